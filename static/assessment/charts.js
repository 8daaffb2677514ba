// Charts of the assessment pages. Data comes from data- attributes (no inline script: CSP).
(function () {
  "use strict";
  function init() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-radar]").forEach(function (el) {
      var data = JSON.parse(el.getAttribute("data-radar"));
      var chart = echarts.init(el);
      chart.setOption({
        radar: { indicator: data.indicators, radius: "55%", axisName: { fontSize: 11 } },
        series: [{ type: "radar", data: [{ value: data.values, areaStyle: { opacity: 0.25 } }] }],
        color: ["#c8161d"],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
