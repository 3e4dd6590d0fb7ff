// allauth's WebAuthn script announces a failure (a cancelled or refused key) as "allauth.error";
// say so on the page, in the GOV.UK error summary the page holds hidden, rather than only in the
// browser's console.
document.addEventListener("allauth.error", function (event) {
  var summary = document.getElementById("webauthn-error");
  if (summary) {
    event.preventDefault();
    summary.hidden = false;
    summary.classList.remove("govuk-!-display-none"); // GOV.UK's summary is display: block
    summary.focus();
  }
});
