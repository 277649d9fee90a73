/* Searchable pickers on the officer's grievance page: a search box in front of each
   select marked data-searchable filters its options by name or code, in either script.
   Without this file the select still works as it is. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.searchPlaceholder || "";
    box.setAttribute("aria-label", select.dataset.searchPlaceholder || "");
    box.setAttribute("aria-controls", select.id);
    box.dataset.searchFor = select.id;
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var firstShown = null;
      select.querySelectorAll("option").forEach(function (option) {
        if (!option.value) return;
        var text = (option.textContent + " " + option.value).toLowerCase();
        var group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
        text += " " + group.toLowerCase();
        var show = words.every(function (w) { return text.indexOf(w) >= 0; });
        option.hidden = !show;
        if (show && !firstShown) firstShown = option;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      var chosen = select.selectedOptions[0];
      if ((!chosen || !chosen.value || chosen.hidden) && firstShown) select.value = firstShown.value;
    });
  });
})();
