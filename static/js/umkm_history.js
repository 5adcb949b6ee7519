// UMKM history: verified potential scores per product over time.
(function () {
  "use strict";
  var canvas = document.getElementById("score-chart");
  if (!canvas || !window.Chart) { return; }
  var series = JSON.parse(document.getElementById("score-series").textContent);
  var colours = ["#0b5394", "#198754", "#fd7e14", "#6f42c1", "#dc3545"];
  var labels = [];
  Object.keys(series).forEach(function (name) {
    series[name].forEach(function (point) { if (labels.indexOf(point.x) < 0) { labels.push(point.x); } });
  });
  labels.sort();
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: labels,
      datasets: Object.keys(series).map(function (name, i) {
        return { label: name, data: series[name], borderColor: colours[i % colours.length], tension: 0.2 };
      }),
    },
    options: { animation: false, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: "bottom" } } },
  });
})();
