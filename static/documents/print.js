// The print header's title: the page's own title (the part before " · "). No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print-title]").forEach(function (el) {
    if (!el.textContent.trim()) { el.textContent = document.title.split(" · ")[0]; }
  });
});
