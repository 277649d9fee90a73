/* The portal's lodge page: the pickers submit themselves; "use my location" fills the
   coordinates. The texts come from the button's data-* attributes (translated there). */
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  var button = document.getElementById("use-location");
  if (!("geolocation" in navigator) || !button) { return; }
  button.classList.remove("d-none");
  var status = document.getElementById("location-status");
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      status.textContent = button.dataset.found;
    }, function () {
      status.textContent = button.dataset.failed;
    }, {timeout: 15000, maximumAge: 60000});
  });
})();
