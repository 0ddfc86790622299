/* Service worker of the installable portal (MOB-1): offline page and web push.
   Served from /sw.js by gosportal.notifications.pwa; only the offline page and static
   files are cached, never pages with personal data. */
"use strict";

var CACHE = "gosportal-offline-v1";
var OFFLINE_URL = "{{ offline_url|escapejs }}";
var PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var ICON = "{{ icon|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(PRECACHE);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; without it, the offline page.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_URL);
    }));
    return;
  }
  if (PRECACHE.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request);
    }));
  }
});

function samePortalUrl(url) {
  try {
    var target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  var title = data.title || "Госпортал";
  event.waitUntil(self.registration.showNotification(title, {
    tag: data.id ? "notification-" + data.id : undefined,
    icon: ICON,
    badge: ICON,
    lang: "ru",
    data: { url: samePortalUrl(data.url) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = samePortalUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === url && "focus" in windows[i]) {
          return windows[i].focus();
        }
      }
      return self.clients.openWindow(url);
    })
  );
});
