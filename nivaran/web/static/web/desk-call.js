/* The feedback desk's call page. Progressive enhancement: the reason is needed when the
   citizen is not satisfied. */
(function () {
  "use strict";
  var reason = document.querySelector("[data-reason]");
  if (!reason) return;
  function sync() {
    var chosen = document.querySelector("input[name=outcome]:checked");
    reason.required = !!chosen && chosen.value === "not_satisfied";
  }
  document.querySelectorAll("input[name=outcome]").forEach(function (radio) {
    radio.addEventListener("change", sync);
  });
  sync();
})();
