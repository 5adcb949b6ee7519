// Visit form: "Gunakan lokasi saya" fills the hidden GPS fields from the browser.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var form = document.getElementById("visit-form");
  if (!button || !form) { return; }
  var status = document.getElementById("location-status");
  var maxAccuracy = parseInt(button.dataset.maxAccuracy, 10) || 100;

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
      form.elements.location.value = JSON.stringify({
        type: "Point",
        coordinates: [Number(position.coords.longitude.toFixed(6)), Number(position.coords.latitude.toFixed(6))],
      });
      form.elements.location_accuracy_m.value = String(accuracy);
      status.textContent = interpolate(gettext("Lokasi tersimpan (akurasi %s m)."), [accuracy]);
    }, function (error) {
      status.textContent = interpolate(gettext("Lokasi tidak didapat: %s"), [error.message]);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // One tap, one visit: the button is disabled once the form is on its way.
  form.addEventListener("submit", function () {
    var save = document.getElementById("save-visit");
    if (save) { save.disabled = true; save.textContent = gettext("Menyimpan…"); }
  });
})();
