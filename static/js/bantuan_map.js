// The "Bantuan" section of /dasbor/: aid per kecamatan on the map, coloured by recipients
// per 1,000 active UMKM (or another figure of the panel). Figures come from the page
// (json_script), boundaries from the cached GeoJSON endpoint; labels are text nodes.
(function () {
  "use strict";
  var source = document.getElementById("bantuan-map-figures");
  var frame = document.getElementById("bantuan-map-frame");
  var select = document.getElementById("bantuan-map-metric");
  var legend = document.getElementById("bantuan-map-legend");
  if (!source || !frame || !select) { return; }
  var figures = JSON.parse(source.textContent);
  var COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];

  function number(value) { return window.PortalChoropleth.number(value, 1); }
  function label(metric) {
    var option = select.querySelector('option[value="' + metric + '"]');
    return option ? option.textContent : metric;
  }
  function breaks(metric) { return window.PortalChoropleth.breaks(figures, metric); }
  function colourFor(value, cuts) { return window.PortalChoropleth.colourFor(value, cuts, COLOURS); }
  function line(box, text) {
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(text));
  }
  function describe(kode) {
    var f = figures[kode] || {};
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = f.name || kode;
    box.appendChild(title);
    line(box, interpolate(gettext("Penerima: %s dari %s UMKM aktif"), [number(f.recipients || 0), number(f.umkm || 0)]));
    line(box, interpolate(gettext("Per 1.000 UMKM: %s"), [f.per_thousand === null ? "—" : number(f.per_thousand)]));
    line(box, interpolate(gettext("Membuat produk unggulan ditetapkan: %s"), [number(f.unggulan || 0)]));
    line(box, interpolate(gettext("Dipakai produktif: %s"), [f.productive_pct === null ? "—" : number(f.productive_pct) + "%"]));
    return box;
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (!frame.contains(map.getContainer())) { return; }
    window.PortalChoropleth.loadAreas(map, frame.dataset.geojsonUrl, function (layer, collection) {
      function paint() {
        var metric = select.value;
        var cuts = breaks(metric);
        layer.eachLayer(function (featureLayer) {
          var kode = featureLayer.feature.properties.code;
          var fill = colourFor((figures[kode] || {})[metric], cuts);
          featureLayer.setStyle({ fillColor: fill });
          featureLayer.unbindTooltip();
          featureLayer.bindTooltip(describe(kode), { sticky: true });
          var el = featureLayer.getElement && featureLayer.getElement();
          if (el) { el.setAttribute("data-kode", kode); el.setAttribute("data-fill", fill); }
        });
        legend.textContent = label(metric) + (cuts.length ? " — " + interpolate(gettext("batas kelas: %s"), [cuts.map(number).join(" · ")]) : "");
      }
      select.addEventListener("change", paint);
      paint();
      frame.dataset.loaded = String(collection.features.length);
    }).catch(function (error) { frame.dataset.error = error.message; });
  });
})();
