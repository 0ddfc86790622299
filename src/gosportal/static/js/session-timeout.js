// AUTH-7: warn before the idle timeout and let the person keep the session.
// The server ends idle sessions whatever this script does; it only warns.
(function () {
  "use strict";
  var banner = document.getElementById("session-warning");
  if (!banner) {
    return;
  }
  var warnAfter = parseInt(banner.getAttribute("data-warn-after"), 10) * 1000;
  var url = banner.getAttribute("data-keepalive-url");
  var timer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      banner.hidden = false;
      banner.querySelector("[data-session-keepalive]").focus();
    }, warnAfter);
  }

  banner.querySelector("[data-session-keepalive]").addEventListener("click", function () {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.ok) {
        banner.hidden = true;
        schedule();
      } else {
        window.location.reload(); // the session has already ended: show the sign-in page
      }
    });
  });
  schedule();
})();
