// Dashboard charts (Apache ECharts, served locally). Data comes from the scoped JSON endpoint
// named in #dash-charts[data-charts-url]; each chart is a div with data-chart="…".
(function () {
  "use strict";
  // Wide tables (the heatmap) open on their latest months: scrolled to the end on narrow screens.
  document.querySelectorAll("[data-scroll-end]").forEach(function (el) { el.scrollLeft = el.scrollWidth; });
  var root = document.getElementById("dash-charts");
  if (!root || typeof window.echarts === "undefined") { return; }
  // Okabe–Ito: readable for colour-blind users. Party red is not used for series.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#56B4E9", "#CC79A7", "#D55E00", "#F0E442", "#999999"];
  var charts = [];

  function empty(el, text) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted", "small");
    el.style.height = "120px";
    el.textContent = text || "暂无数据";
  }

  function make(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.color = option.color || PALETTE;
    option.textStyle = { fontFamily: "inherit" };
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function ranking(el, data) {
    if (!data || !data.items.length) { return empty(el); }
    var items = data.items.slice(0, 20).reverse();
    var chart = make(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", name: data.unit },
      yAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", name: data.title, label: { show: true, position: "right" }, data: items.map(function (i) { return i.value; }) }]
    });
    chart.on("click", function (p) {
      var item = items[p.dataIndex];
      var url = root.getAttribute("data-dashboard-url");
      if (item && url) { window.location.href = url.replace("/0/", "/" + item.org + "/"); }
    });
  }

  function trend(el, data) {
    if (!data) { return empty(el); }
    make(el, {
      tooltip: { trigger: "axis" },
      legend: { data: [String(data.year), String(data.year - 1)], bottom: 0 },
      grid: { left: 8, right: 16, top: 24, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.unit },
      series: [
        { type: "line", name: String(data.year), data: data.this_year, connectNulls: false },
        { type: "line", name: String(data.year - 1), data: data.last_year, lineStyle: { type: "dashed" } }
      ]
    });
  }

  function structure(el, dims) {
    var key = el.getAttribute("data-dimension");
    var dim = (dims || []).filter(function (d) { return d.key === key; })[0];
    if (!dim) { return empty(el); }
    var total = dim.buckets.reduce(function (s, b) { return s + (b.value || 0); }, 0);
    if (!total) { return empty(el); }
    make(el, {
      tooltip: { trigger: "item", formatter: "{b}: {c} 人 ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", name: dim.title, radius: ["35%", "65%"], center: ["50%", "45%"],
        label: { formatter: "{d}%" },
        data: dim.buckets.filter(function (b) { return b.value > 0; })
          .map(function (b) { return { name: b.label, value: b.value }; })
      }]
    });
  }

  function grades(el, data) {
    if (!data || !data.items || !data.items.length) { return empty(el); }
    make(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " " + data.unit; } },
      legend: { data: [data.title], bottom: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: data.items.map(function (i) { return i.label; }), axisLabel: { interval: 0, width: 72, overflow: "break" } },
      yAxis: { type: "value", name: data.unit, minInterval: 1 },
      series: [{
        type: "bar", name: data.title, barMaxWidth: 48, label: { show: true, position: "top" },
        data: data.items.map(function (i) { return i.value; })
      }]
    });
  }

  function radar(el, data) {
    if (!data || !data.items || !data.items.length) { return empty(el); }
    var items = data.items;
    make(el, {
      color: [PALETTE[0], PALETTE[7]],
      tooltip: { trigger: "item" },
      legend: { data: data.series, bottom: 0 },
      radar: {
        radius: "60%", center: ["50%", "46%"],
        indicator: items.map(function (i) { return { name: i.label, max: i.max || i.value || 1 }; }),
        axisName: { color: "#444" }
      },
      series: [{
        type: "radar", name: data.title,
        data: [
          { name: data.series[0], value: items.map(function (i) { return i.value; }), areaStyle: { opacity: 0.2 }, symbol: "circle" },
          { name: data.series[1], value: items.map(function (i) { return i.max; }), lineStyle: { type: "dashed" }, symbol: "none" }
        ]
      }]
    });
  }

  function burndown(el, data) {
    if (!data || !data.months || !data.months.length) { return empty(el); }
    make(el, {
      // Orange and bluish green bars, blue line with markers: told apart without colour vision too.
      color: [PALETTE[1], PALETTE[2], PALETTE[0]],
      tooltip: { trigger: "axis" },
      legend: { data: data.series, bottom: 0, itemWidth: 14, itemGap: 8, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 8, top: 28, bottom: 52, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: [
        { type: "value", name: data.units.count, minInterval: 1 },
        { type: "value", name: data.units.rate, min: 0, max: 100, splitLine: { show: false } }
      ],
      series: [
        { type: "bar", name: data.series[0], data: data.open },
        { type: "bar", name: data.series[1], data: data.closed, itemStyle: { decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -0.8 } } },
        { type: "line", name: data.series[2], yAxisIndex: 1, data: data.on_time, symbol: "triangle", symbolSize: 7, connectNulls: true }
      ]
    });
  }

  fetch(root.getAttribute("data-charts-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var kind = el.getAttribute("data-chart");
        if (kind === "ranking") { ranking(el, data.ranking); }
        else if (kind === "trend") { trend(el, data.trend); }
        else if (kind === "structure") { structure(el, data.structure); }
        else if (kind === "grades") { grades(el, data.grades); }
        else if (kind === "radar") { radar(el, data.radar); }
        else if (kind === "burndown") { burndown(el, data.burndown); }
      });
    })
    .catch(function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) { empty(el, "图表加载失败，请刷新页面"); });
    });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
