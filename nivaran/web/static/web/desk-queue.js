/* The feedback desk's queue. Keyboard first: Enter on the page starts the oldest call. */
(function () {
  "use strict";
  var call = Array.prototype.find.call(document.querySelectorAll("[data-call]"), function (el) {
    return el.offsetParent !== null;
  });
  if (call) call.focus();
})();
