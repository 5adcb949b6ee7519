// Kabupaten dashboard: choropleth of the 18 kecamatan with a metric switcher, and the
// monthly trend chart. Figures come from the page (json_script); boundaries from the
// cached GeoJSON endpoint. Labels are text nodes, never HTML from the database.
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("map-figures").textContent);
  var trendSource = document.getElementById("trend-data");
  var trend = trendSource ? JSON.parse(trendSource.textContent) : null;
  var select = document.getElementById("map-metric");
  var legend = document.getElementById("map-legend");
  var frame = document.getElementById("dashboard-map-frame");
  var COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  // The metric names are the select's options, translated by the template.
  function label(metric) {
    var option = select.querySelector('option[value="' + metric + '"]');
    return option ? option.textContent : metric;
  }

  // Figures as Indonesian readers write them: 1.234,5 (the page's formatter does the same).
  var number = window.PortalChoropleth.number;
  function breaks(metric) { return window.PortalChoropleth.breaks(figures, metric); }
  function colourFor(value, cuts) { return window.PortalChoropleth.colourFor(value, cuts, COLOURS); }

  function describe(kode, metric) {
    var f = figures[kode] || {};
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = f.name || kode;
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(label(metric) + ": " + (f[metric] === null || f[metric] === undefined ? "—" : number(f[metric]))));
    return box;
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (!frame.contains(map.getContainer())) { return; }
    window.PortalChoropleth.loadAreas(map, frame.dataset.geojsonUrl, function (layer, collection) {
      // On paper the map is shorter: fit the whole regency into it before printing.
      function refit() { map.invalidateSize(); map.fitBounds(layer.getBounds(), { padding: [6, 6] }); }
      window.addEventListener("beforeprint", refit);
      window.addEventListener("afterprint", refit);
      if (window.matchMedia) { window.matchMedia("print").addEventListener("change", refit); }

      function paint() {
        var metric = select.value;
        var cuts = breaks(metric);
        layer.eachLayer(function (featureLayer) {
          var kode = featureLayer.feature.properties.code;
          var value = (figures[kode] || {})[metric];
          featureLayer.setStyle({ fillColor: colourFor(value, cuts) });
          featureLayer.unbindTooltip();
          featureLayer.bindTooltip(describe(kode, metric), { sticky: true });
          var el = featureLayer.getElement && featureLayer.getElement();
          if (el) { el.setAttribute("data-kode", kode); el.setAttribute("data-fill", colourFor(value, cuts)); }
        });
        legend.textContent = label(metric) + (cuts.length ? " — " + interpolate(gettext("batas kelas: %s"), [cuts.map(number).join(" · ")]) : "");
        frame.dataset.metric = metric;
      }
      select.addEventListener("change", paint);
      paint();
      frame.dataset.loaded = String(collection.features.length);
      showPoints(map);
      map.on("moveend", function () { showPoints(map); });
    }).catch(function (error) { frame.dataset.error = error.message; });
  });

  // UMKM on the map: one circle per desa (with its count) when zoomed out, single UMKM
  // when zoomed in. The server decides and never sends the whole registry.
  var pointsLayer = null;
  function showPoints(map) {
    var bounds = map.getBounds();
    var url = new URL(frame.dataset.pointsUrl, window.location.href);
    url.searchParams.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(","));
    url.searchParams.set("zoom", String(map.getZoom()));
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (collection) {
      if (pointsLayer) { map.removeLayer(pointsLayer); }
      pointsLayer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var count = feature.properties.count;
          return L.circleMarker(latlng, {
            radius: count ? Math.min(4 + Math.sqrt(count), 18) : 5,
            color: "#7a1f00", weight: 1, fillColor: "#ff7f50", fillOpacity: 0.7,
          });
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = p.count ? p.desa : p.name;
          box.appendChild(title);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.count ? p.count + " UMKM" : p.desa));
          layer.bindTooltip(box);
        },
      }).addTo(map);
      frame.dataset.points = String(collection.features.length);
      frame.dataset.aggregated = String(collection.aggregated);
    }).catch(function (error) { frame.dataset.pointsError = error.message; });
  }

  var canvas = document.getElementById("trend-chart");
  if (canvas && trend && window.Chart) {
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          { label: gettext("Pendaftaran UMKM"), data: trend.registrations, borderColor: "#0b5394", tension: 0.2 },
          { label: gettext("Penilaian"), data: trend.assessments, borderColor: "#198754", tension: 0.2 },
          { label: gettext("Kunjungan"), data: trend.visits, borderColor: "#fd7e14", tension: 0.2 }
        ]
      },
      options: { animation: false, responsive: true, plugins: { legend: { position: "bottom" } } }
    });
  }

  var printButton = document.getElementById("print-page");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();
