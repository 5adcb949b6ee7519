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
      status.textContent = "Peramban ini tidak mendukung lokasi.";
      return;
    }
    status.textContent = "Mencari lokasi…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var accuracy = Math.round(position.coords.accuracy);
      if (accuracy > maxAccuracy) {
        status.textContent = "Akurasi " + accuracy + " m, lebih buruk dari " + maxAccuracy + " m. Coba lagi di tempat terbuka.";
        return;
      }
      form.elements.location.value = JSON.stringify({
        type: "Point",
        coordinates: [Number(position.coords.longitude.toFixed(6)), Number(position.coords.latitude.toFixed(6))],
      });
      form.elements.location_accuracy_m.value = String(accuracy);
      status.textContent = "Lokasi tersimpan (akurasi " + accuracy + " m).";
    }, function (error) {
      status.textContent = "Lokasi tidak didapat: " + error.message;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // One tap, one visit: the button is disabled once the form is on its way.
  form.addEventListener("submit", function () {
    var save = document.getElementById("save-visit");
    if (save) { save.disabled = true; save.textContent = "Menyimpan…"; }
  });
})();
