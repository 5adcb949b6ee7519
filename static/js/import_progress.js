// Import page: while a check or an import runs, poll its status and show the progress;
// reload the page when it has finished so the summary and row errors appear.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.dataset.running !== "1") { return; }
  var bar = box.querySelector("[data-progress-bar]");
  var text = box.querySelector("[data-progress-text]");
  var label = box.querySelector("[data-status-label]");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.running) { window.location.reload(); return; }
        label.textContent = data.label;
        if (data.total) { bar.style.width = Math.max(5, Math.round(100 * data.progress / data.total)) + "%"; }
        text.textContent = interpolate(gettext("%s baris diproses"), [data.progress.toLocaleString("id-ID")]);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
