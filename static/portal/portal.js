// The portal's own behaviour. No inline scripts anywhere (CSP): pages use data attributes.
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="...">
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Auto-submit filters: <select data-autosubmit>
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.submit();
    }
  });
  // A part of a page fetched with htmx that could not load says so: <p data-failed="...">
  function failed(event) {
    var target = event.detail && event.detail.target;
    if (target && target.hasAttribute("data-failed")) {
      target.textContent = target.getAttribute("data-failed");
      target.classList.add("text-danger");
    }
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
