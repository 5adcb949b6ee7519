// Admin desa page: draws the kecamatan outline under the editable desa boundary.
(function () {
  "use strict";
  var source = document.getElementById("kecamatan-outline");
  if (!source) { return; }
  var outline = JSON.parse(source.textContent);

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var layer = L.geoJSON(outline, {
      style: { color: "#cc0000", weight: 2, dashArray: "6 4", fill: false },
      interactive: false,
    }).addTo(map);
    layer.bringToBack();
    // After the widget has zoomed to its own geometry, show the whole kecamatan.
    window.setTimeout(function () { map.fitBounds(layer.getBounds()); }, 0);
  });
})();
