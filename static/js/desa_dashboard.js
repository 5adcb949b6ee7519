// Desa dashboard: the desa boundary and its UMKM as single points (text tooltips only).
(function () {
  "use strict";
  var frame = document.getElementById("desa-dashboard-map-frame");
  var feature = JSON.parse(document.getElementById("desa-feature").textContent);
  function isOwn(f) {
    return !f.properties.desa_code || f.properties.desa_code === feature.properties.code;
  }
  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (!frame.contains(map.getContainer())) { return; }
    var outline = L.geoJSON(feature, { style: { color: "#0b5394", weight: 2, fillOpacity: 0.08 } }).addTo(map);
    var bounds = outline.getBounds();
    map.fitBounds(bounds);
    var url = new URL(frame.dataset.pointsUrl, window.location.href);
    url.searchParams.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(","));
    url.searchParams.set("zoom", "16");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (collection) {
      L.geoJSON(collection, {
        // The box around a desa also holds its neighbours' UMKM: drawn small and grey, and
        // named as another desa's, so the desa's own stand out.
        pointToLayer: function (f, latlng) {
          var own = isOwn(f);
          return L.circleMarker(latlng, own
            ? { radius: f.properties.count ? 10 : 6, color: "#7a1f00", weight: 1, fillColor: "#ff7f50", fillOpacity: 0.9 }
            : { radius: 3, color: "#777777", weight: 1, fillColor: "#bbbbbb", fillOpacity: 0.6 });
        },
        onEachFeature: function (f, layer) {
          var label = document.createElement("span");
          if (f.properties.count) {
            label.textContent = interpolate(gettext("%(desa)s: %(count)s UMKM"), f.properties, true);
          } else if (isOwn(f)) {
            label.textContent = f.properties.name;
          } else {
            label.textContent = interpolate(gettext("%(name)s (desa lain: %(desa)s)"), f.properties, true);
          }
          layer.bindTooltip(label);
        },
      }).addTo(map);
      frame.dataset.points = String(collection.features.length);
    }).catch(function (error) { frame.dataset.error = error.message; });
  });
})();
