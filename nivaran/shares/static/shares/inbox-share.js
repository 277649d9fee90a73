/* The inbox's WhatsApp share: "select all on this page" and the count on the button.
   Without this file the ticks and the form still work. The same grievance has a box in
   the wide table and one in the phone list (one of them hidden): a tick in either
   ticks both, so the count is of grievances, not of boxes. */
(function () {
  "use strict";
  var form = document.getElementById("share-form");
  if (!form) return;
  var all = form.querySelector("[data-select-all]");
  var count = form.querySelector("[data-share-count]");
  var picks = Array.prototype.slice.call(document.querySelectorAll("[data-share-pick]"));
  function chosen() {
    var numbers = {};
    picks.forEach(function (box) { if (box.checked) numbers[box.value] = true; });
    return Object.keys(numbers);
  }
  function update() {
    var n = chosen().length;
    if (count) count.textContent = String(n);
    var distinct = {};
    picks.forEach(function (box) { distinct[box.value] = true; });
    if (all) {
      all.checked = n > 0 && n === Object.keys(distinct).length;
      all.indeterminate = n > 0 && !all.checked;
    }
  }
  picks.forEach(function (box) {
    box.addEventListener("change", function () {
      picks.forEach(function (other) {
        if (other.value === box.value) other.checked = box.checked;
      });
      update();
    });
  });
  if (all) {
    all.addEventListener("change", function () {
      picks.forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  update();
})();
