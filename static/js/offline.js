// Work without signal (templates/pwa/service_worker.js keeps the pages and the outbox):
// registers the service worker for a pendamping, says when a page is a kept copy, gives a
// copied form fresh submission tokens, lists what waits in the outbox on "Tugas saya",
// sends it when the signal returns, and forgets everything on "Keluar".
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.offlineUser;
  var offlineCopy = body.dataset.servedOffline === "1";
  var outbox = document.getElementById("outbox");
  var PREPARED = "luring-disiapkan";
  var PREPARE_EVERY_MS = 6 * 60 * 60 * 1000;

  function ask(message) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve({}); }
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data || {}); };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  function notice(text, kind) {
    var box = document.createElement("div");
    box.className = "alert alert-" + (kind || "info");
    box.setAttribute("role", "status");
    box.textContent = text;
    var main = document.getElementById("konten");
    main.insertBefore(box, main.firstChild);
    return box;
  }

  // --- a kept copy of a page --------------------------------------------------------------

  function newToken() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function fillVisitForm() {
    var form = document.querySelector("form[data-offline-form=visit]");
    var wanted = new URLSearchParams(location.search).get("umkm");
    if (!form || !wanted || form.elements.umkm.value === wanted) { return; }
    form.elements.umkm.value = wanted;
    var heading = document.querySelector("[data-testid=visit-umkm]");
    if (heading) { heading.textContent = ""; }
    fetch(body.dataset.offlineUmkm, { credentials: "same-origin" }).then(function (response) {
      return response.json();
    }).then(function (data) {
      data.umkm.forEach(function (umkm) {
        if (String(umkm.id) === wanted && heading) { heading.textContent = umkm.name + " · " + umkm.desa; }
      });
    }).catch(function () {});
  }

  function renderOfflineUmkm() {
    var holder = document.getElementById("offline-umkm");
    if (!holder) { return; }
    fetch(body.dataset.offlineUmkm, { credentials: "same-origin" }).then(function (response) {
      return response.json();
    }).then(function (data) {
      holder.hidden = false;
      var search = holder.querySelector("input");
      var list = holder.querySelector("ul");
      function show() {
        var words = search.value.toLowerCase();
        list.textContent = "";
        data.umkm.filter(function (umkm) {
          return (umkm.name + " " + umkm.desa).toLowerCase().indexOf(words) >= 0;
        }).slice(0, 50).forEach(function (umkm) {
          var item = document.createElement("li");
          item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
          var name = document.createElement("span");
          name.textContent = umkm.name + " · " + umkm.desa;
          var link = document.createElement("a");
          link.className = "btn btn-outline-primary btn-sm";
          link.href = holder.dataset.visitUrl + "?umkm=" + umkm.id;
          link.textContent = gettext("Catat kunjungan");
          item.appendChild(name);
          item.appendChild(link);
          list.appendChild(item);
        });
      }
      search.addEventListener("input", show);
      show();
    }).catch(function () {});
  }

  if (offlineCopy) {
    Array.prototype.forEach.call(document.querySelectorAll("#konten > .alert"), function (old) { old.remove(); });
    notice(gettext("Anda sedang tanpa sinyal: ini salinan halaman yang tersimpan di perangkat. Isian yang Anda simpan menunggu di perangkat dan dikirim sekali saat sinyal kembali."), "warning");
    Array.prototype.forEach.call(document.querySelectorAll("input[name$=submission_token]"), function (input) {
      input.value = newToken(); // a kept page is reused: every new record needs its own token
    });
    fillVisitForm();
    renderOfflineUmkm();
  }

  var said = new URLSearchParams(location.search).get("luring");
  if (said === "tersimpan") {
    notice(gettext("Tersimpan di perangkat: dikirim otomatis saat ada sinyal. Jangan keluar (logout) sebelum terkirim."),
           "success");
  } else if (said === "belum-tersedia") {
    notice(gettext("Halaman itu belum tersimpan di perangkat untuk dibuka tanpa sinyal. Bukalah sekali saat ada sinyal."),
           "warning");
  }

  // --- the outbox on "Tugas saya" ---------------------------------------------------------

  var STATES = {
    waiting: gettext("menunggu dikirim"),
    check: gettext("perlu diperiksa: server belum menerima isian ini"),
    refused: gettext("ditolak server")
  };

  function describe(item) {
    var named = {};
    item.fields.forEach(function (field) { if (typeof field[1] === "string") { named[field[0]] = field[1]; } });
    var what = named["name"] || named["produk-name"] || named["place"] || "";
    if (item.url.indexOf("/kunjungan/") === 0) { what = gettext("Kunjungan") + (named.date ? " " + named.date : ""); }
    if (item.url.indexOf("/penilaian/") > 0) { what = gettext("Penilaian potensi"); }
    if (named["produk-name"]) { what = named.name + " — " + named["produk-name"]; }
    return what || item.url;
  }

  function openItem(item) {
    // Send it as the form itself would, so the server's answer (errors, conflict table) shows.
    var form = document.createElement("form");
    form.method = "post";
    form.action = item.url;
    form.enctype = "multipart/form-data";
    form.hidden = true;
    item.fields.forEach(function (field) {
      var input = document.createElement("input");
      input.name = field[0];
      if (typeof field[1] === "string") {
        input.type = "hidden";
        input.value = field[0] === "csrfmiddlewaretoken" ? body.dataset.csrf : field[1];
      } else {
        input.type = "file";
        var files = new DataTransfer();
        if (field[1].size) { files.items.add(field[1]); }
        input.files = files.files;
      }
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function handOver(item) {
    // Refused and not fixable here (e.g. the assignment ended): the Dinas gets it whole.
    var data = new FormData();
    var photo = null;
    item.fields.forEach(function (field) {
      if (typeof field[1] === "string") { data.append(field[0], field[1]); } else if (!photo && field[1].size) { photo = field[1]; }
    });
    data.set("csrfmiddlewaretoken", body.dataset.csrf);
    data.append("_luring_path", item.url);
    data.append("_luring_alasan", STATES[item.status] + (item.code ? " (HTTP " + item.code + ")" : ""));
    data.append("_luring_waktu", new Date(item.created).toISOString());
    if (photo) { data.append("_luring_foto", photo); }
    fetch(outbox.dataset.handOverUrl, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(JSON.stringify(answer.errors || {})); }
        return ask({ type: "remove", id: item.id }).then(function () {
          notice(answer.message, "success");
          renderOutbox(false);
        });
      });
    }).catch(function () {
      notice(gettext("Belum bisa diserahkan: coba lagi saat ada sinyal. Isian tetap di perangkat."), "danger");
    });
  }

  function renderOutbox(login) {
    if (!outbox) { return; }
    ask({ type: "list" }).then(function (answer) {
      var items = answer.items || [];
      var list = outbox.querySelector("ul");
      list.textContent = "";
      outbox.hidden = items.length === 0;
      var count = ngettext("%s isian di perangkat ini", "%s isian di perangkat ini", items.length);
      outbox.querySelector("[data-role=count]").textContent = interpolate(count, [items.length]);
      outbox.querySelector("[data-role=login]").hidden = !login;
      items.forEach(function (item) {
        var row = document.createElement("li");
        row.className = "list-group-item";
        row.dataset.status = item.status;
        var title = document.createElement("div");
        title.className = "fw-semibold";
        title.textContent = describe(item);
        var state = document.createElement("div");
        state.className = "small " + (item.status === "waiting" ? "text-muted" : "text-danger");
        state.textContent = STATES[item.status] + " · " + new Date(item.created).toLocaleString("id-ID");
        row.appendChild(title);
        row.appendChild(state);
        var actions = document.createElement("div");
        actions.className = "d-flex gap-2 mt-1";
        if (item.status !== "waiting") {
          var open = document.createElement("button");
          open.type = "button";
          open.className = "btn btn-outline-primary btn-sm";
          open.textContent = gettext("Buka dan perbaiki");
          open.addEventListener("click", function () { openItem(item); });
          actions.appendChild(open);
          var hand = document.createElement("button");
          hand.type = "button";
          hand.className = "btn btn-outline-secondary btn-sm";
          hand.textContent = gettext("Serahkan ke Dinas");
          hand.addEventListener("click", function () { handOver(item); });
          actions.appendChild(hand);
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-outline-danger btn-sm";
        remove.textContent = gettext("Hapus dari perangkat");
        remove.addEventListener("click", function () {
          if (window.confirm(gettext("Hapus isian ini dari perangkat? Isian yang belum terkirim akan hilang."))) {
            ask({ type: "remove", id: item.id }).then(function () { renderOutbox(false); });
          }
        });
        actions.appendChild(remove);
        row.appendChild(actions);
        list.appendChild(row);
      });
    });
  }

  function sendNow() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return ask({ type: "send" });
  }

  if (outbox) {
    outbox.querySelector("[data-role=send]").addEventListener("click", function () {
      sendNow().then(function () { renderOutbox(false); });
    });
  }

  // --- setting up, and forgetting on "Keluar" ------------------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") { renderOutbox(event.data.login); }
    });
  }

  if (user && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      var stamp = (localStorage.getItem(PREPARED) || "").split(":");
      var fresh = stamp[0] === user && Date.now() - Number(stamp[1] || 0) < PREPARE_EVERY_MS;
      var ready = fresh || !navigator.onLine || offlineCopy ? Promise.resolve({}) :
        ask({ type: "prepare", kit: body.dataset.offlineKit, user: Number(user) });
      return ready.then(function (answer) {
        if (answer.ok) {
          localStorage.setItem(PREPARED, user + ":" + Date.now());
          body.dataset.offlineReady = "1";
        }
        return sendNow();
      });
    }).then(function () { renderOutbox(false); }).catch(function () {});
    window.addEventListener("online", function () { sendNow().then(function () { renderOutbox(false); }); });
  }

  var logout = document.getElementById("logout-form");
  if (logout && "serviceWorker" in navigator && navigator.serviceWorker.controller) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      ask({ type: "list" }).then(function (answer) {
        var waiting = (answer.items || []).length;
        var question = gettext("%s isian belum terkirim dan akan terhapus dari perangkat ini. Tetap keluar?");
        if (waiting && !window.confirm(interpolate(question, [waiting]))) {
          return;
        }
        ask({ type: "forget" }).then(function () {
          localStorage.removeItem(PREPARED);
          logout.submit();
        });
      });
    });
  }
}());
