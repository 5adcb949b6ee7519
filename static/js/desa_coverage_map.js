// "Tugas saya": the mentor's desa, green when visited in the last 90 days, orange when not.
(function () {
  "use strict";

  function label(feature) {
    var p = feature.properties;
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = p.name;
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(
      p.last_visit ? interpolate(gettext("Kunjungan terakhir: %s"), [p.last_visit]) : gettext("Belum pernah dikunjungi")
    ));
    return box;
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var frame = document.getElementById("desa-map-frame");
    if (!frame || !frame.contains(map.getContainer())) { return; }
    fetch(frame.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        if (!collection.features.length) { return; }
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var covered = feature.properties.visited;
            return { color: "#555", weight: 1, fillOpacity: 0.55, fillColor: covered ? "#38a169" : "#f6ad55" };
          },
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindTooltip(label(feature), { sticky: true });
          },
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [6, 6] });
        frame.dataset.loaded = String(collection.features.length);
      })
      .catch(function (error) { frame.dataset.error = error.message; });
  });
})();
