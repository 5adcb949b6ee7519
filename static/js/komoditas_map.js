// Known sentra as points on the regency map: one commodity's page, or every commodity on the
// dashboard (text nodes, never HTML).
(function () {
  "use strict";

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var frame = document.getElementById("komoditas-map-frame");
    var data = document.getElementById("sentra-points");
    if (!frame || !data || !frame.contains(map.getContainer())) { return; }
    var collection = JSON.parse(data.textContent);
    fetch(frame.dataset.boundariesUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (boundaries) {
        if (boundaries) {
          var outline = L.geoJSON(boundaries, { style: { color: "#6c757d", weight: 1, fillOpacity: 0.04 }, interactive: false })
            .addTo(map);
          outline.bringToBack();
          if (!collection.features.length) { map.fitBounds(outline.getBounds()); }
        }
      });
    if (!collection.features.length) { return; }
    var layer = L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#0b5394", fillColor: "#f6b26b", fillOpacity: 0.9, weight: 2 });
      },
      onEachFeature: function (feature, marker) {
        var box = document.createElement("div");
        if (feature.properties.komoditas) {
          var komoditas = document.createElement("strong");
          komoditas.textContent = feature.properties.komoditas;
          box.appendChild(komoditas);
          box.appendChild(document.createElement("br"));
        }
        var title = document.createElement(feature.properties.komoditas ? "span" : "strong");
        title.textContent = feature.properties.name;
        box.appendChild(title);
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(feature.properties.kecamatan));
        marker.bindTooltip(box);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 13 });
  });
})();
