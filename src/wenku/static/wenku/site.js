// Behaviour that pages declare with data attributes, so that no page needs inline script
// (the Content-Security-Policy allows scripts from this site's own files only).
//   <form data-confirm="question">        asks before submitting
//   <input type=checkbox data-check-all="name">  ticks every checkbox named `name`
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const box = event.target.closest("input[data-check-all]");
  if (!box) return;
  document.querySelectorAll(`input[name="${box.dataset.checkAll}"]`).forEach((b) => {
    b.checked = box.checked;
  });
});
//   <input data-select-on-focus>          selects its text when focused (a link to copy)
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});
