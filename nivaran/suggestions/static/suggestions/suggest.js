/* Suggested complaint types (B3): a click on one fills the type field; where the box
   names a source, suggestions are fetched while the description is typed. Progressive
   enhancement: the forms work without it. */
(function () {
  "use strict";

  function pick(button) {
    var field = document.getElementById(button.dataset.suggestTarget);
    if (!field) return;
    var code = button.dataset.suggestPick;
    if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) {
      return o.value === code;
    })) {
      /* A list narrowed by a search: the suggested type is added to it. */
      var option = document.createElement("option");
      option.value = code;
      option.textContent = button.firstChild ? button.firstChild.textContent.trim() : code;
      field.appendChild(option);
    }
    field.value = code;
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
    var list = button.closest("[data-suggest-list]");
    if (list) {
      list.querySelectorAll("[data-suggest-pick]").forEach(function (b) {
        var on = b === button;
        b.classList.toggle("active", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-suggest-pick]");
    if (!button) return;
    event.preventDefault();
    pick(button);
  });

  document.querySelectorAll("[data-suggest-source]").forEach(function (box) {
    var source = document.getElementById(box.dataset.suggestSource);
    var list = box.querySelector("[data-suggest-list]");
    if (!source || !list || !source.form) return;
    var target = box.querySelector("[id^=suggested-]").id.replace(/^suggested-/, "");
    var token = source.form.querySelector("input[name=csrfmiddlewaretoken]");
    var kind = source.form.elements.namedItem("kind");
    var limit = parseInt(box.dataset.suggestLimit || "3", 10);
    var last = "";
    var sent = 0;
    var timer = 0;

    function show(items) {
      list.replaceChildren();
      items.slice(0, limit).forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-outline-primary btn-sm text-start";
        button.dataset.suggestPick = item.code;
        button.dataset.suggestTarget = target;
        button.textContent = item.name + " (" + item.code + ") ";
        var score = document.createElement("span");
        score.className = "badge text-bg-light";
        score.textContent = Math.round(item.score * 100) + "%";
        button.appendChild(score);
        list.appendChild(button);
      });
      box.hidden = list.children.length === 0;
    }

    function ask() {
      var text = source.value.trim();
      var key = text + "|" + (kind ? kind.value : "");
      if (key === last) return;
      last = key;
      if (text.length < 3) { show([]); return; }
      var mine = ++sent;
      fetch(box.dataset.suggestUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept-Language": document.documentElement.lang || "en",
          "X-CSRFToken": token ? token.value : ""
        },
        body: JSON.stringify({description: text, kind: kind ? kind.value : ""})
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (mine !== sent || !data) return;  /* stale, or refused: keep what is shown */
          show(data.suggestions || []);
        })
        .catch(function () {});
    }

    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
    source.addEventListener("change", ask);
    if (kind) kind.addEventListener("change", ask);
    ask();
  });
})();
