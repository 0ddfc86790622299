/* «Push-уведомления» in the notification settings (MOB-1): asks the browser for a push
   subscription with the portal's VAPID key and hands it to the server. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push-subscribe]");
  var unsupported = document.querySelector("[data-push-unsupported]");
  var status = document.querySelector("[data-push-status]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    return;
  }
  box.hidden = false;
  if (unsupported) {
    unsupported.hidden = true;
  }
  var button = box.querySelector("[data-push-button]");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function message(name) {
    return box.getAttribute("data-msg-" + name) || "";
  }

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(message("working"));
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error(message("denied"));
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      });
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.getAttribute("data-key"))
      });
    }).then(function (subscription) {
      return fetch(box.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body.error || message("failed"));
        }
        say(message("done"));
        window.location.reload();
      });
    }).catch(function (error) {
      button.disabled = false;
      say(error && error.message ? error.message : message("failed"));
    });
  });
})();
