// <button data-print> prints the page (no inline scripts: CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
