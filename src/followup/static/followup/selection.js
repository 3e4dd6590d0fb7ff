// Code any words: turn the reader's selection in the source text into code-point offsets.
// The text element holds the source's text, or a page of it, exactly, so counting code points
// (not UTF-16 units) from its start gives the offsets Followup stores (highlights are <mark>
// elements around some of its words, which add none). Without JavaScript the text and the
// button stay hidden and sentences are coded from the list instead.
const text = document.querySelector("[data-source-text]");
// A long text is shown a page at a time: its element holds the page, which starts at data-offset.
const base = text ? Number(text.dataset.offset || "0") : 0;
const panel = document.querySelector("[data-selection-panel]");
const form = panel ? panel.closest("form") : null;

function codePoints(value) {
  return Array.from(value).length;
}

function offsetOf(node, offset) {
  const range = document.createRange();
  range.setStart(text, 0);
  range.setEnd(node, offset);
  return base + codePoints(range.toString());
}

if (text && form) {
  const start = form.querySelector("[data-selection-start]");
  const end = form.querySelector("[data-selection-end]");
  const preview = form.querySelector("[data-selection-preview]");
  const submit = form.querySelector("[data-selection-submit]");
  panel.hidden = false;
  preview.hidden = false;
  submit.hidden = false;
  text.tabIndex = 0;

  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) {
      return;
    }
    const from = offsetOf(range.startContainer, range.startOffset);
    const to = offsetOf(range.endContainer, range.endOffset);
    if (to <= from) {
      return;
    }
    start.value = String(from);
    end.value = String(to);
    const words = range.toString();
    preview.textContent = `Selected (characters ${from} to ${to}): “${words.length > 200 ? words.slice(0, 200) + "…" : words}”`;
    submit.disabled = false;
  });
}
