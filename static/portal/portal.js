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
})();
