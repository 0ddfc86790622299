// Remote identity check (REG-3): while the OCR pre-check runs, reload the page every
// 5 seconds so the result appears without a click; never while the person is choosing
// new files, and not at all once the result is shown.
(function () {
  "use strict";
  if (!document.querySelector("[data-remote-pending]")) {
    return;
  }
  function busy() {
    var inputs = document.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].files && inputs[i].files.length) {
        return true;
      }
    }
    return false;
  }
  window.setInterval(function () {
    if (!busy()) {
      window.location.reload();
    }
  }, 5000);
})();
