/* Registers the service worker (/sw.js) of the installable app (MOB-1). */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) {
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* the portal works without it */
    });
  });
})();
