// Save a reading's draft as the reader goes: a few seconds after they last change an answer, the
// form is sent as "Save draft" sends it, with a header that asks for a short JSON answer instead
// of a new page. The answer says when the reading was saved; the form keeps that, so that its
// next save is not taken for one from an older tab. Without JavaScript nothing here runs and
// "Save draft" saves, as before.
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
      say(answer.message, false);
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
