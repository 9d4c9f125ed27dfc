// GOV.UK conditional reveal for radios marked with data-app-controls (the service's template
// gds/layout/conditional_question.html): the content under the chosen option shows, the rest
// hide. Without JavaScript all of it shows (GOV.UK Frontend's CSS hides only when it runs).
function syncReveals() {
  for (const input of document.querySelectorAll('input[type="radio"][data-app-controls]')) {
    const content = document.getElementById(input.dataset.appControls);
    if (content) content.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  }
}

document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.type === "radio") syncReveals();
});
window.addEventListener("pageshow", syncReveals);
syncReveals();
