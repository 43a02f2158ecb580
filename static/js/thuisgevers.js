/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After htmx swaps in a form with errors, move focus to its summary as after a full page load.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
  });
})();
