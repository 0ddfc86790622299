// REG-3 confirmation from a phone: while the QR code is on screen, ask every 3 s
// whether the phone has decided, and reload the page to show the result. Without
// this script the «Проверить» link does the same.
(function () {
  "use strict";
  var block = document.getElementById("device-waiting");
  if (!block || !window.fetch) {
    return;
  }
  var statusUrl = block.getAttribute("data-status-url");
  var reloadUrl = block.getAttribute("data-reload-url");
  var timer = window.setInterval(function () {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.state && data.state !== "pending") {
          window.clearInterval(timer);
          window.location.assign(reloadUrl);
        }
      })
      .catch(function () {
        // A lost request is retried on the next tick.
      });
  }, 3000);
})();
