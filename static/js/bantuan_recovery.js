// A UMKM's recovery after aid: turnover per month and workers over time, from its surveys
// and the use checks, with the handover days marked. Figures come from the page (json_script).
(function () {
  "use strict";
  var canvas = document.getElementById("recovery-chart");
  var source = document.getElementById("recovery-series");
  if (!canvas || !source || !window.Chart) { return; }
  var series = JSON.parse(source.textContent);
  var days = series.points.map(function (p) { return p.day; });
  series.deliveries.forEach(function (d) { if (days.indexOf(d.day) < 0) { days.push(d.day); } });
  days.sort();
  function at(day, name) {
    var found = null;
    series.points.forEach(function (p) { if (p.day === day && p[name] !== null) { found = p[name]; } });
    return found;
  }
  var handedOver = days.map(function (day) {
    return series.deliveries.some(function (d) { return d.day === day; }) ? 0 : null;
  });
  function shown(day) {
    return new Date(day + "T00:00:00").toLocaleDateString("id-ID", { day: "numeric", month: "short", year: "numeric" });
  }
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: days.map(shown),
      datasets: [
        { label: gettext("Omzet per bulan (Rp)"), data: days.map(function (d) { return at(d, "turnover"); }),
          borderColor: "#0b5394", spanGaps: true, tension: 0.2, yAxisID: "y" },
        { label: gettext("Tenaga kerja"), data: days.map(function (d) { return at(d, "workers"); }),
          borderColor: "#198754", spanGaps: true, tension: 0.2, yAxisID: "y1" },
        { label: gettext("Serah terima bantuan"), data: handedOver, borderColor: "#fd7e14", backgroundColor: "#fd7e14",
          showLine: false, pointStyle: "triangle", pointRadius: 8, yAxisID: "y" }
      ]
    },
    options: {
      animation: false, responsive: true,
      scales: {
        y: { beginAtZero: true, ticks: { callback: function (v) { return Number(v).toLocaleString("id-ID"); } } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
      },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
