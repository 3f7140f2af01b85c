/* The report's print button (web/templates/report.html). The button's paragraph is hidden in
   the page: only this script shows it, so that without JavaScript no button does nothing.
   Loaded as a file, never inline: the Content-Security-Policy allows scripts from this site
   only. */
(function () {
  "use strict";
  var holder = document.getElementById("print-report");
  if (!holder || typeof window.print !== "function") {
    return;
  }
  var button = holder.querySelector("button");
  if (!button) {
    return;
  }
  button.addEventListener("click", function () {
    window.print();
  });
  holder.hidden = false;
})();
