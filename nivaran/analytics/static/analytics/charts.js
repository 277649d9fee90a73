/* Charts of the analytics pages: each <canvas data-chart="ID"> draws the chart described by
   the JSON in <script type="application/json" id="ID"> (written by Django's json_script), so
   no script runs inline. Chart.js comes from npm (static vendor/chartjs). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var palette = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    (spec.datasets || []).forEach(function (set, i) {
      var colour = set.color || palette[i % palette.length];
      if (spec.type === "doughnut" || spec.type === "pie") {
        set.backgroundColor = set.backgroundColor || spec.labels.map(function (_l, j) { return palette[j % palette.length]; });
      } else {
        set.borderColor = set.borderColor || colour;
        set.backgroundColor = set.backgroundColor || (spec.type === "line" ? colour : colour + "cc");
      }
      if (set.dashed) set.borderDash = [6, 4];
    });
    new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: true,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: { legend: { display: (spec.datasets || []).length > 1 || spec.type === "doughnut", position: "bottom" } },
        scales: spec.type === "doughnut" ? {} : { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } }
      }
    });
    canvas.setAttribute("data-drawn", "true"); // drawn (no animation): tests wait for it
  });
})();
