// UMKM form: kecamatan → desa cascade and a location picker on the desa boundaries.
// Tap the map to drop the pin, drag it to move, or use the phone's GPS. Works without
// a tile server: the boundaries are vector layers fetched from this portal.
(function () {
  "use strict";
  var form = document.getElementById("umkm-form");
  var frame = document.getElementById("location-map-frame");
  if (!form || !frame) { return; }
  var kecamatan = form.elements.kecamatan;
  var desa = form.elements.desa;
  var lat = form.elements.latitude;
  var lng = form.elements.longitude;
  var accuracy = form.elements.location_accuracy_m;
  var status = document.getElementById("location-status");
  var maxAccuracy = parseInt(frame.dataset.maxAccuracy, 10) || 100;

  // Cascade: only the desa of the chosen kecamatan are offered.
  function narrowDesa() {
    var chosen = kecamatan.value;
    Array.prototype.forEach.call(desa.options, function (option) {
      if (!option.value) { return; }
      var match = !chosen || option.dataset.kecamatan === chosen;
      option.hidden = !match;
      option.disabled = !match;
      if (!match && option.selected) { desa.value = ""; }
    });
  }
  kecamatan.addEventListener("change", narrowDesa);
  narrowDesa();

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (!frame.contains(map.getContainer())) { return; }
    var boundaries = null;
    var marker = null;
    frame.leafletMap = map; // lets browser tests tap a known coordinate

    var circle = null;

    // Ray casting on the GeoJSON rings (holes included): is [lng, lat] inside the geometry?
    function inRing(point, ring) {
      var inside = false;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if (((yi > point[1]) !== (yj > point[1])) &&
            (point[0] < (xj - xi) * (point[1] - yi) / (yj - yi) + xi)) { inside = !inside; }
      }
      return inside;
    }
    function inPolygon(point, rings) {
      if (!inRing(point, rings[0])) { return false; }
      for (var k = 1; k < rings.length; k += 1) { if (inRing(point, rings[k])) { return false; } }
      return true;
    }
    function inGeometry(point, geometry) {
      if (!geometry) { return true; }
      if (geometry.type === "Polygon") { return inPolygon(point, geometry.coordinates); }
      if (geometry.type === "MultiPolygon") {
        return geometry.coordinates.some(function (rings) { return inPolygon(point, rings); });
      }
      return true;
    }
    function chosenLayer() {
      var found = null;
      if (boundaries && desa.value) {
        boundaries.eachLayer(function (layer) {
          if (String(layer.feature.properties.id) === desa.value) { found = layer; }
        });
      }
      return found;
    }
    // The server checks the pin against the desa too; this says it at once, on the phone.
    function checkPin() {
      var layer = chosenLayer();
      if (!marker || !layer) { delete frame.dataset.outside; return; }
      var here = marker.getLatLng();
      var outside = !inGeometry([here.lng, here.lat], layer.feature.geometry);
      frame.dataset.outside = outside ? "1" : "0";
      if (outside) {
        status.textContent = interpolate(gettext("Pin berada di luar Desa %s. Pindahkan pin ke dalam batas desa, atau pilih desa yang benar."),
                                         [layer.feature.properties.name]);
        status.classList.add("text-danger");
      } else if (status.classList.contains("text-danger")) {
        status.textContent = interpolate(gettext("Pin di dalam Desa %s."), [layer.feature.properties.name]);
        status.classList.remove("text-danger");
      }
    }
    function zoomToDesa() {
      var layer = chosenLayer();
      if (layer) { map.fitBounds(layer.getBounds(), { maxZoom: 16 }); }
    }

    function styleFor(feature) {
      var chosen = String(feature.properties.id) === desa.value;
      return { color: chosen ? "#0b5394" : "#777", weight: chosen ? 3 : 1, fillOpacity: chosen ? 0.25 : 0.05 };
    }

    function setPin(latlng, fromInputs) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true }).addTo(map);
        marker.on("dragend", function () {
          setPin(marker.getLatLng(), false);
          accuracy.value = "";
          if (circle) { map.removeLayer(circle); circle = null; }
        });
      }
      marker.setLatLng(latlng);
      if (!fromInputs) {
        lat.value = latlng.lat.toFixed(6);
        lng.value = latlng.lng.toFixed(6);
      }
      frame.dataset.pin = lat.value + "," + lng.value;
      checkPin();
    }

    function loadBoundaries() {
      if (!kecamatan.value) { return; }
      fetch(frame.dataset.desaUrl + "?kecamatan=" + encodeURIComponent(kecamatan.value))
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          if (boundaries) { map.removeLayer(boundaries); }
          boundaries = L.geoJSON(collection, {
            style: styleFor,
            onEachFeature: function (feature, layer) {
              layer.bindTooltip(document.createTextNode(feature.properties.name));
              layer.on("click", function (e) { setPin(e.latlng, false); accuracy.value = ""; });
            },
          }).addTo(map);
          if (!marker) {
            if (chosenLayer()) { zoomToDesa(); } else { map.fitBounds(boundaries.getBounds()); }
          }
          frame.dataset.loaded = String(collection.features.length);
          checkPin();
        })
        .catch(function (error) { frame.dataset.error = error.message; });
    }

    map.on("click", function (e) { setPin(e.latlng, false); accuracy.value = ""; });
    kecamatan.addEventListener("change", loadBoundaries);
    desa.addEventListener("change", function () {
      if (boundaries) { boundaries.setStyle(styleFor); zoomToDesa(); checkPin(); }
    });
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        var la = parseFloat(lat.value), ln = parseFloat(lng.value);
        if (!isNaN(la) && !isNaN(ln) && Math.abs(la) <= 90) { setPin(L.latLng(la, ln), true); map.panTo([la, ln]); }
      });
    });
    document.getElementById("use-my-location").addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = gettext("Peramban ini tidak mendukung lokasi."); return; }
      status.textContent = gettext("Mencari lokasi…");
      navigator.geolocation.getCurrentPosition(function (position) {
        var meters = Math.round(position.coords.accuracy);
        if (meters > maxAccuracy) {
          status.textContent = interpolate(gettext("Akurasi %(meters)s m, lebih buruk dari %(max)s m. Coba di tempat terbuka atau letakkan pin di peta."), {meters: meters, max: maxAccuracy}, true);
          return;
        }
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        if (circle) { map.removeLayer(circle); }
        circle = L.circle(here, { radius: meters, color: "#0b5394", weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map);
        setPin(here, false);
        accuracy.value = String(meters);
        map.setView(here, 16);
        frame.dataset.accuracyCircle = String(meters);
        status.textContent = interpolate(gettext("Lokasi diambil (akurasi %s m)."), [meters]);
      }, function (error) {
        status.textContent = interpolate(gettext("Lokasi tidak didapat: %s"), [error.message]);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });

    loadBoundaries();
    if (lat.value && lng.value) { setPin(L.latLng(parseFloat(lat.value), parseFloat(lng.value)), true); map.setView(marker.getLatLng(), 15); }
  });
})();
