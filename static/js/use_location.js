// "Gunakan lokasi saya" on a field form (a visit, a use check of aid …): fills the form's
// GPS fields from the browser — a GeoJSON `location` where the form has one, else `lat`
// and `lng` — refusing a fix worse than the button's data-max-accuracy.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var form = button && button.form;
  if (!button || !form) { return; }
  var status = document.getElementById("location-status");
  var maxAccuracy = parseInt(button.dataset.maxAccuracy, 10) || 100;

  function store(longitude, latitude, accuracy) {
    var lng = Number(longitude.toFixed(6));
    var lat = Number(latitude.toFixed(6));
    if (form.elements.location) {
      form.elements.location.value = JSON.stringify({ type: "Point", coordinates: [lng, lat] });
    } else {
      form.elements.lat.value = String(lat);
      form.elements.lng.value = String(lng);
    }
    if (form.elements.location_accuracy_m) { form.elements.location_accuracy_m.value = String(accuracy); }
  }

  button.addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = gettext("Peramban ini tidak mendukung lokasi.");
      return;
    }
    status.textContent = gettext("Mencari lokasi…");
    navigator.geolocation.getCurrentPosition(function (position) {
      var accuracy = Math.round(position.coords.accuracy);
      if (accuracy > maxAccuracy) {
        status.textContent = interpolate(gettext("Akurasi %(meters)s m, lebih buruk dari %(max)s m. Coba lagi di tempat terbuka."), {meters: accuracy, max: maxAccuracy}, true);
        return;
      }
      store(position.coords.longitude, position.coords.latitude, accuracy);
      status.textContent = interpolate(gettext("Lokasi tersimpan (akurasi %s m)."), [accuracy]);
    }, function (error) {
      status.textContent = interpolate(gettext("Lokasi tidak didapat: %s"), [error.message]);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // One tap, one record: the save button is disabled once the form is on its way.
  form.addEventListener("submit", function () {
    var save = form.querySelector("[data-save]");
    if (save) { save.disabled = true; save.textContent = gettext("Menyimpan…"); }
  });
})();
