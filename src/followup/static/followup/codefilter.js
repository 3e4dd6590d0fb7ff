// Filter the codes as you type: show the codes whose names hold the words, with the headings
// above them and the codes inside them. Without JavaScript the same box filters on the server
// when its button is pressed.
const box = document.querySelector("[data-code-filter]");
const status = document.querySelector("[data-code-filter-status]");
const none = document.querySelector("[data-code-filter-none]");
const items = Array.from(document.querySelectorAll("li[data-code-name]"));
const groups = Array.from(document.querySelectorAll("[data-code-group]"));

function filter() {
  const words = box.value.trim().toLowerCase();
  const shown = new Set();
  for (const item of items) {
    if (!item.dataset.codeName.includes(words)) {
      continue;
    }
    item.querySelectorAll("li[data-code-name]").forEach((inner) => shown.add(inner));
    for (let up = item; up; up = up.parentElement.closest("li[data-code-name]")) {
      shown.add(up);
    }
  }
  for (const item of items) {
    item.hidden = !shown.has(item);
  }
  for (const group of groups) {
    group.hidden = !group.querySelector("li[data-code-name]:not([hidden])");
  }
  none.hidden = shown.size > 0;
  status.textContent = words ? `${shown.size} of ${items.length} codes and headings shown.` : "";
}

if (box && status && none) {
  box.addEventListener("input", filter);
}
