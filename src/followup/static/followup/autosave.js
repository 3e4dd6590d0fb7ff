// Save a reading's draft as the reader goes: a few seconds after they last change an answer, the
// form is sent as "Save draft" sends it, with a header that asks for a short JSON answer instead
// of a new page. The answer says when the reading was saved; the form keeps that, so that its
// next save is not taken for one from an older tab. Without JavaScript nothing here runs and
// "Save draft" saves, as before.
//
// Every valid answer is saved; one that is not (a note holding what looks like a date) keeps its
// last saved value, and the answer lists it with why. The script marks each such answer at its
// field as GOV.UK Frontend marks an error (the group's error class, an error message before the
// control, aria-invalid and aria-describedby), and takes the mark away once the answer saves.
const form = document.querySelector("form[data-autosave]");
const DELAY = 3000;

if (form) {
  const status = document.querySelector("[data-autosave-status]");
  const saved = form.querySelector('input[name="saved"]');
  let timer = null;
  let sending = null;
  let again = false;
  let stopped = false;

  const say = (text, problem) => {
    status.textContent = text;
    status.classList.toggle("followup-autosave--problem", problem);
  };

  // The controls of an answer, the element its error message is told by (a text's own control,
  // a radio group's fieldset), where the message goes, and the message's id.
  const parts = (name) => {
    const controls = [...form.elements].filter((element) => element.name === name);
    if (!controls.length) return null;
    const first = controls[0];
    const group = first.closest(".govuk-form-group");
    const choice = first.type === "radio" || first.type === "checkbox";
    const fieldset = choice ? first.closest("fieldset") : null;
    const before = choice
      ? fieldset && fieldset.querySelector(".govuk-radios, .govuk-checkboxes")
      : first;
    if (!group || !before) return null;
    const id = `${choice ? first.id.replace(/_\d+$/, "") : first.id}-autosave-error`;
    return { controls, group, told: fieldset || first, before, id };
  };

  const describedBy = (element, change) => {
    const ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const next = change(ids);
    if (next.length) element.setAttribute("aria-describedby", next.join(" "));
    else element.removeAttribute("aria-describedby");
  };

  const marked = new Map(); // name -> the parts marked for it

  const mark = (name, text) => {
    const found = marked.get(name) || parts(name);
    if (!found) return;
    let message = document.getElementById(found.id);
    if (!message) {
      message = document.createElement("p");
      message.className = "govuk-error-message";
      message.id = found.id;
      found.before.parentNode.insertBefore(message, found.before);
    }
    const hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    message.replaceChildren(hidden, ` ${text}`);
    found.group.classList.add("govuk-form-group--error");
    for (const control of found.controls) {
      control.setAttribute("aria-invalid", "true");
      for (const kind of ["govuk-textarea", "govuk-input"]) {
        if (control.classList.contains(kind)) control.classList.add(`${kind}--error`);
      }
    }
    describedBy(found.told, (ids) => (ids.includes(found.id) ? ids : [...ids, found.id]));
    marked.set(name, found);
  };

  const unmark = (name) => {
    const found = marked.get(name);
    if (!found) return;
    marked.delete(name);
    document.getElementById(found.id)?.remove();
    describedBy(found.told, (ids) => ids.filter((id) => id !== found.id));
    for (const control of found.controls) control.removeAttribute("aria-invalid");
    // An error the page was drawn with (after Save draft or Submit reading) stays marked.
    if (!found.group.querySelector(".govuk-error-message")) {
      found.group.classList.remove("govuk-form-group--error");
      for (const control of found.controls) {
        control.classList.remove("govuk-textarea--error", "govuk-input--error");
      }
    }
  };

  const send = async () => {
    const data = new FormData(form);
    data.set("action", "draft");
    let response;
    try {
      response = await fetch(window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Followup-Autosave": "draft" },
      });
    } catch {
      say("Your draft could not be saved just now: use Save draft before you leave.", true);
      return;
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      say("Your draft could not be saved: you may need to sign in again. Use Save draft.", true);
      stopped = true;
      return;
    }
    if (response.ok) {
      saved.value = answer.saved;
      const problems = answer.problems || {};
      for (const name of [...marked.keys()]) if (!(name in problems)) unmark(name);
      for (const [name, text] of Object.entries(problems)) mark(name, text);
      say(answer.message, Object.keys(problems).length > 0);
    } else {
      say(answer.error || "Your draft could not be saved: use Save draft.", true);
      stopped = stopped || response.status === 409;
    }
  };

  const save = async () => {
    if (stopped) return;
    if (sending) {
      again = true;
      return;
    }
    sending = send();
    await sending;
    sending = null;
    if (again) {
      again = false;
      schedule();
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  };

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    stopped = true;
    if (sending) {
      // Wait for the draft on its way, then send the form with the time it was saved.
      event.preventDefault();
      const submitter = event.submitter;
      sending.then(() => form.requestSubmit(submitter));
      sending = null;
    }
  });
  status.hidden = false;
  say("Your answers are saved as a draft a few seconds after you change them.", false);
}
