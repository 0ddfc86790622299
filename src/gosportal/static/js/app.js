// Progressive enhancements shared by every page; the portal works without them.
(function () {
  "use strict";
  // After a failed form, move focus to the error summary so it is read out first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
})();
