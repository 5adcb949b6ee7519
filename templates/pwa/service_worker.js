// Service worker of Peta UMKM Purbalingga (purbalingga_umkm/pwa.py explains its part).
//
// * Field pages (Tugas saya, the survey and visit forms …) come from the network when there
//   is signal and are kept; without signal the kept copy is served, marked so the page
//   says it is a copy (static/js/offline.js).
// * A field form sent without signal, or whose signal drops in the middle of the save, is
//   kept whole (photos included) in the outbox of this phone and sent when the signal
//   returns — here (Background Sync) or when a page asks. The submission token in every
//   form makes a second sending store nothing twice.
// * Logging out (offline.js) deletes every copy and the outbox.
// This file holds no words for people: the pages say everything, in their language.
"use strict";

var PAGES = "portal-pages";
var STATIC = "portal-static";
var DB_NAME = "portal-luring";
var OUTBOX = "outbox";
var META = "meta";
var TASKS = "{% url 'mentoring:my-tasks' %}";
var LOGIN = "{% url 'login' %}";

// Forms kept in the outbox when they cannot be sent.
var FORM_PATHS = [
  /^\/survei\/cepat\/$/, /^\/umkm\/baru\/$/, /^\/kunjungan\/baru\/$/, /^\/koordinasi\/baru\/$/,
  /^\/produk\/\d+\/penilaian\/$/
];
// Pages kept when seen; those of the second list are kept once for every query string.
var PAGE_PATHS = FORM_PATHS.concat([/^\/tugas-saya\/$/]);
var ONE_COPY_PATHS = [/^\/tugas-saya\/$/, /^\/kunjungan\/baru\/$/];
var DATA_PATHS = [/^\/tugas-saya\/(desa\.geojson|umkm\.json)$/, /^\/peta\/desa\.geojson$/, /^\/jsi18n\/$/];

function matches(patterns, path) {
  return patterns.some(function (pattern) { return pattern.test(path); });
}

function pageKey(url) {
  return matches(ONE_COPY_PATHS, url.pathname) ? url.origin + url.pathname : url.href;
}

// --- the outbox (IndexedDB) ---------------------------------------------------------------

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(OUTBOX, { keyPath: "id", autoIncrement: true });
      request.result.createObjectStore(META);
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function withStore(name, mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(name, mode);
      var result = work(transaction.objectStore(name));
      transaction.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
      transaction.onerror = function () { db.close(); reject(transaction.error); };
    });
  });
}

function currentUser() {
  return withStore(META, "readonly", function (store) { return store.get("user"); });
}

// Pages and files are kept only while someone's field kit is on this phone (not after "Keluar").
var knownUser;

function keeping() {
  if (knownUser !== undefined) { return Promise.resolve(knownUser !== null); }
  return currentUser().then(function (user) {
    knownUser = user === undefined ? null : user;
    return knownUser !== null;
  });
}

function keepIn(cacheName, key, response) {
  return keeping().then(function (yes) {
    return yes ? caches.open(cacheName).then(function (store) { return store.put(key, response); }) : null;
  });
}

function outboxAll() {
  return withStore(OUTBOX, "readonly", function (store) { return store.getAll(); });
}

function outboxPut(item) {
  return withStore(OUTBOX, "readwrite", function (store) { return store.put(item); });
}

function outboxDelete(id) {
  return withStore(OUTBOX, "readwrite", function (store) { return store.delete(id); });
}

function tellPages(message) {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (client) { client.postMessage(message); });
  });
}

function keep(request) {
  var url = new URL(request.url);
  return Promise.all([request.formData(), currentUser()]).then(function (both) {
    var fields = [];
    both[0].forEach(function (value, name) { fields.push([name, value]); });
    return outboxPut({
      url: url.pathname + url.search, fields: fields, user: both[1], created: Date.now(), status: "waiting"
    });
  }).then(function () {
    if (self.registration.sync) { self.registration.sync.register("outbox").catch(function () {}); }
    return tellPages({ type: "outbox" });
  });
}

// --- sending the outbox, once ---------------------------------------------------------------

var sending = null;

function freshToken() {
  // The form's CSRF token may be older than the session: take the one of a page now.
  return fetch(TASKS, { credentials: "same-origin" }).then(function (response) {
    if (new URL(response.url).pathname === LOGIN) { return { login: true }; }
    return response.text().then(function (html) {
      var found = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
      return { token: found ? found[1] : "" };
    });
  });
}

function sendOne(item, token) {
  var body = new FormData();
  item.fields.forEach(function (field) {
    if (field[0] !== "csrfmiddlewaretoken") { body.append(field[0], field[1]); }
  });
  body.append("csrfmiddlewaretoken", token);
  return fetch(item.url, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
    .then(function (response) {
      var path = new URL(response.url).pathname;
      if (response.redirected && path === LOGIN) { return "login"; }
      if (response.redirected && response.ok) { return outboxDelete(item.id).then(function () { return "sent"; }); }
      if (response.status >= 500) { return "later"; }
      item.status = response.ok ? "check" : "refused";
      item.code = response.status;
      return outboxPut(item).then(function () { return item.status; });
    });
}

function sendAll() {
  if (sending) { return sending; }
  sending = Promise.all([outboxAll(), currentUser()]).then(function (both) {
    var mine = both[0].filter(function (item) { return item.user === both[1] && item.status === "waiting"; });
    if (!mine.length) { return null; }
    return freshToken().then(function (fresh) {
      if (fresh.login) { return tellPages({ type: "outbox", login: true }); }
      return mine.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) { return stop; }
          return sendOne(item, fresh.token).then(function (outcome) {
            return outcome === "login" || outcome === "later" ? outcome : null;
          });
        });
      }, Promise.resolve(null)).then(function (stop) { return tellPages({ type: "outbox", login: stop === "login" }); });
    });
  }).catch(function () { return null; }).then(function (result) { sending = null; return result; });
  return sending;
}

// --- keeping the field kit ------------------------------------------------------------------

function staticLinks(html) {
  var links = [];
  var pattern = /(?:src|href)="(\/static\/[^"]+)"/g;
  var found = pattern.exec(html);
  while (found) { links.push(found[1]); found = pattern.exec(html); }
  return links;
}

function prepare(kitUrl, user) {
  // Another person on this phone: the pages kept for the one before are not theirs.
  return currentUser().then(function (before) { return before === user ? null : caches.delete(PAGES); })
    .then(function () { return withStore(META, "readwrite", function (store) { return store.put(user, "user"); }); })
    .then(function () { knownUser = user; })
    .then(function () { return fetch(kitUrl, { credentials: "same-origin" }); })
    .then(function (response) { return response.json(); })
    .then(function (kit) {
      return caches.open(PAGES).then(function (pages) {
        var assets = {};
        var pageWork = kit.pages.map(function (href) {
          var url = new URL(href, self.location.origin);
          return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            if (!response.ok || response.redirected) { return null; }
            return response.clone().text().then(function (html) {
              staticLinks(html).forEach(function (link) { assets[link] = true; });
              return pages.put(pageKey(url), response);
            });
          });
        });
        var dataWork = kit.data.map(function (href) {
          return fetch(href, { credentials: "same-origin" }).then(function (response) {
            return response.ok ? pages.put(new URL(href, self.location.origin).href, response) : null;
          });
        });
        return Promise.all(pageWork.concat(dataWork)).then(function () {
          return caches.open(STATIC).then(function (store) {
            return Promise.all(Object.keys(assets).map(function (link) {
              return store.match(link).then(function (hit) { return hit || store.add(link).catch(function () {}); });
            }));
          });
        });
      });
    });
}

// --- answering requests -------------------------------------------------------------------

function markedCopy(response) {
  return response.text().then(function (html) {
    return new Response(html.replace("<body ", "<body data-served-offline=\"1\" "), {
      status: 200, headers: response.headers
    });
  });
}

function page(request) {
  var url = new URL(request.url);
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && matches(PAGE_PATHS, url.pathname)) {
      keepIn(PAGES, pageKey(url), response.clone());
    }
    return response;
  }).catch(function () {
    return caches.match(pageKey(url), { cacheName: PAGES }).then(function (hit) {
      if (hit) { return markedCopy(hit); }
      return Response.redirect(TASKS + "?luring=belum-tersedia", 303);
    });
  });
}

function data(request) {
  return fetch(request).then(function (response) {
    if (response.ok) { keepIn(PAGES, request.url, response.clone()); }
    return response;
  }).catch(function () {
    return caches.match(request.url, { cacheName: PAGES }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function asset(request) {
  return caches.match(request, { cacheName: STATIC }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) { keepIn(STATIC, request, response.clone()); }
      return response;
    });
  });
}

function sendOrKeep(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return keep(copy).then(function () { return Response.redirect(TASKS + "?luring=tersimpan", 303); });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && request.mode === "navigate" && matches(FORM_PATHS, url.pathname)) {
    event.respondWith(sendOrKeep(request));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && matches(PAGE_PATHS, url.pathname)) {
    event.respondWith(page(request));
  } else if (matches(DATA_PATHS, url.pathname)) {
    event.respondWith(data(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") { event.waitUntil(sendAll()); }
});

self.addEventListener("message", function (event) {
  var message = event.data || {};
  var reply = function (answer) { if (event.ports[0]) { event.ports[0].postMessage(answer); } };
  var work;
  if (message.type === "prepare") {
    work = prepare(message.kit, message.user).then(function () { reply({ ok: true }); });
  } else if (message.type === "send") {
    work = sendAll().then(function () { reply({ ok: true }); });
  } else if (message.type === "list") {
    work = Promise.all([outboxAll(), currentUser()]).then(function (both) {
      reply({ items: both[0].filter(function (item) { return item.user === both[1]; }) });
    });
  } else if (message.type === "remove") {
    work = outboxDelete(message.id).then(function () { reply({ ok: true }); });
  } else if (message.type === "forget") {
    knownUser = null;
    work = caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }).then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }).then(function () { reply({ ok: true }); });
  }
  if (work) { event.waitUntil(work.catch(function (error) { reply({ error: String(error) }); })); }
});
