/* The call-centre console and callback pages. Progressive enhancement: the pages work
   without it. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-district-for]").forEach(function (district) {
    var area = document.getElementById(district.dataset.districtFor);
    if (!area) return;
    function filter() {
      area.querySelectorAll("optgroup").forEach(function (group) {
        var show = !district.value || group.dataset.district === district.value;
        group.hidden = !show;
        group.disabled = !show;
      });
    }
    district.addEventListener("change", function () {
      var chosen = area.selectedOptions[0];
      if (chosen && chosen.parentElement.dataset.district !== district.value) area.value = "";
      filter();
    });
    filter();
  });

  /* The caller lookup, fetched while the tele-caller types. It is a POST with the form's
     CSRF token: a mobile number never goes into a URL (and so into access logs). */
  var mobile = document.querySelector("[data-lookup]");
  if (mobile && mobile.form) {
    var category = document.querySelector("[data-lookup-category]");
    var token = mobile.form.querySelector("input[name=csrfmiddlewaretoken]");
    /* The rest of the draft, for the duplicate check (name, area, description). */
    var draft = ["citizen_name", "area", "description"].map(function (name) {
      return mobile.form.elements.namedItem(name);
    }).filter(function (el) { return el; });
    var last = "";
    var sent = 0;
    var lookup = function () {
      var digits = mobile.value.replace(/\D/g, "").slice(-10);
      var key = [digits, category ? category.value : ""].concat(
        draft.map(function (el) { return el.value; })).join("|");
      if (digits.length !== 10 || key === last) return;
      last = key;
      var body = new URLSearchParams();
      body.set("mobile", digits);
      body.set("category", category ? category.value : "");
      draft.forEach(function (el) { body.set(el.name, el.value); });
      var mine = ++sent;
      fetch(mobile.dataset.lookup, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : ""},
        body: body
      }).then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== sent) return;  /* a later lookup is on its way: this answer is stale */
          var box = document.getElementById("caller-history");
          if (html && box) box.outerHTML = html;
        });
    };
    mobile.addEventListener("change", lookup);
    mobile.addEventListener("input", lookup);
    if (category) category.addEventListener("change", lookup);
    /* The draft's other fields: when one is left, and after a pause in typing. */
    var timer = 0;
    draft.forEach(function (el) {
      el.addEventListener("change", lookup);
      el.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(lookup, 600);
      });
    });
  }

  var outcome = document.querySelector("[data-outcome]");
  if (outcome) {
    var toggle = function () {
      var v = outcome.value;
      document.querySelectorAll("[data-when]").forEach(function (el) {
        var show = el.dataset.when.split(" ").indexOf(v) >= 0;
        el.hidden = !show;
        el.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !show; });
      });
    };
    outcome.addEventListener("change", toggle);
    toggle();
  }
})();
