// Landing page: draws the kecamatan boundaries served by the GeoJSON endpoint.
// Works without a tile server: the boundaries are vector layers.
(function () {
  "use strict";

  function labelFor(feature) {
    // Text nodes only: names come from the database and are never parsed as HTML.
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = feature.properties.name;
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(
      interpolate(gettext("%(desa_count)s desa/kel. · %(umkm_count)s UMKM"), feature.properties, true)
    ));
    return box;
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var frame = document.getElementById("kabupaten-map-frame");
    if (!frame || !frame.contains(map.getContainer())) {
      return;
    }
    fetch(frame.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: { color: "#0b5394", weight: 2, fillColor: "#6fa8dc", fillOpacity: 0.25 },
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindTooltip(labelFor(feature), { sticky: true });
            featureLayer.on("mouseover", function () { featureLayer.setStyle({ fillOpacity: 0.5 }); });
            featureLayer.on("mouseout", function () { featureLayer.setStyle({ fillOpacity: 0.25 }); });
            if (featureLayer.getElement) {
              featureLayer.on("add", function () {
                var el = featureLayer.getElement();
                if (el) { el.setAttribute("data-kode", feature.properties.code); }
              });
            }
          },
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        frame.dataset.loaded = String(collection.features.length);
      })
      .catch(function (error) {
        frame.dataset.error = error.message;
        var note = document.createElement("p");
        note.className = "text-danger small mt-2";
        note.textContent = interpolate(gettext("Batas kecamatan gagal dimuat (%s)."), [error.message]);
        frame.appendChild(note);
      });
  });
})();
