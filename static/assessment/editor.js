// Progressive enhancement of the assessment editors (no inline script: CSP).
// Without JavaScript every method section shows and the blank rows are the room to add.
// With it: only the chosen method's section shows, rows are added and removed in place,
// the cap follows the max score, and the meeting picker filters as you type.
(function () {
  "use strict";

  function showMethod(form) {
    var select = form.querySelector("[data-method-select]");
    if (!select) return;
    form.querySelectorAll("[data-method-section]").forEach(function (section) {
      section.hidden = section.getAttribute("data-method-section") !== select.value;
    });
  }

  function showCap(form) {
    var max = form.querySelector("[data-max-score]");
    if (!max) return;
    form.querySelectorAll("[data-cap]").forEach(function (el) {
      el.textContent = max.value || "—";
    });
  }

  function addRow(box) {
    var prefix = box.getAttribute("data-prefix");
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = box.querySelector("template[data-empty-row]");
    if (!total || !template) return;
    var index = parseInt(total.value, 10) || 0;
    box.querySelector("tbody").insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var rows = box.querySelectorAll("tbody [data-row]");
    var first = rows[rows.length - 1].querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function removeRow(button) {
    var row = button.closest("[data-row]");
    if (!row) return;
    var del = row.querySelector("input[name$='-DELETE']");
    if (del) del.checked = true;
    row.hidden = true;
  }

  function filterMeetings(picker) {
    var kind = picker.querySelector("[data-filter-kind]");
    var text = picker.querySelector("[data-filter-text]");
    var k = kind ? kind.value : "";
    var q = text ? text.value.trim().toLowerCase() : "";
    var shown = 0;
    picker.querySelectorAll("[data-meeting-row]").forEach(function (row) {
      var ok = (!k || row.getAttribute("data-kind") === k) &&
        (!q || row.getAttribute("data-search").toLowerCase().indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    var none = picker.querySelector("[data-no-match]");
    if (none) none.hidden = shown !== 0;
  }

  function countChosen(picker) {
    var wrap = picker.querySelector("[data-chosen-wrap]");
    if (wrap) wrap.hidden = false;
    var out = picker.querySelector("[data-chosen-count]");
    if (out) out.textContent = String(picker.querySelectorAll("input[name='meeting']:checked:not(:disabled)").length);
  }

  function init() {
    document.querySelectorAll("[data-indicator-editor], [data-rows-editor]").forEach(function (form) {
      form.classList.add("rows-enhanced");
      form.querySelectorAll("[data-add-row], [data-remove-row]").forEach(function (el) { el.hidden = false; });
      showMethod(form);
      showCap(form);
      form.addEventListener("change", function (event) {
        if (event.target.matches("[data-method-select]")) showMethod(form);
      });
      form.addEventListener("input", function (event) {
        if (event.target.matches("[data-max-score]")) showCap(form);
      });
      form.addEventListener("click", function (event) {
        var add = event.target.closest("[data-add-row]");
        if (add) {
          event.preventDefault();
          var box = document.getElementById(add.getAttribute("data-add-row"));
          if (box) {
            addRow(box);
            box.querySelectorAll("[data-remove-row]").forEach(function (el) { el.hidden = false; });
          }
          return;
        }
        var remove = event.target.closest("[data-remove-row]");
        if (remove) {
          event.preventDefault();
          removeRow(remove);
        }
      });
    });
    document.querySelectorAll("[data-meeting-picker]").forEach(function (picker) {
      picker.classList.add("rows-enhanced");
      picker.addEventListener("input", function () { filterMeetings(picker); });
      picker.addEventListener("change", function () { filterMeetings(picker); countChosen(picker); });
      var apply = picker.querySelector("[data-filter-apply]");
      if (apply) apply.hidden = true;  // filtering happens in place
      countChosen(picker);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
