/* The export page: poll the job's JSON and move the bar until it is done or failed,
   then show the download link (or the error). Texts come from the page's data-*
   attributes, translated in the template. Without this file the page still shows the
   job as it was when loaded, with a refresh link. */
(function () {
  "use strict";
  var root = document.getElementById("export-job");
  if (!root) return;
  var bar = root.querySelector("[data-bar]");
  var meter = root.querySelector("[role=progressbar]");
  var state = root.querySelector("[data-testid=state]");
  var percent = root.querySelector("[data-testid=percent]");
  var rows = root.querySelector("[data-testid=rows]");
  var error = root.querySelector("[data-error]");
  var download = root.querySelector("[data-download]");
  var every = parseInt(root.dataset.pollMs, 10) || 1500;

  function show(job) {
    var p = Math.max(0, Math.min(100, job.progress || 0));
    bar.style.width = p + "%";
    meter.setAttribute("aria-valuenow", String(p));
    percent.textContent = String(p);
    if (job.rows_total !== null && job.rows_total !== undefined) {
      rows.textContent = root.dataset.textRows
        .replace("{done}", String(job.rows_done))
        .replace("{total}", String(job.rows_total));
    }
    state.textContent = root.dataset["text" + job.status.charAt(0).toUpperCase() + job.status.slice(1)] || job.status;
    root.dataset.status = job.status;
    if (job.status === "done") {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      if (job.download_url) download.href = job.download_url;
      download.classList.remove("d-none");
    } else if (job.status === "failed") {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add("bg-danger");
      error.textContent = job.error;
      error.classList.remove("d-none");
    }
    return job.status === "done" || job.status === "failed";
  }

  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 403 || response.status === 404) return null; // signed out, or purged
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (job) {
        if (job === null) {
          state.textContent = root.dataset.textGone;
          return;
        }
        if (!show(job)) window.setTimeout(poll, every);
      })
      .catch(function () {
        state.textContent = root.dataset.textLost;
        window.setTimeout(poll, every * 2);
      });
  }

  show({
    status: root.dataset.status,
    progress: parseInt(meter.getAttribute("aria-valuenow"), 10),
    rows_total: null,
    download_url: null,
    error: error.textContent
  });
  if (root.dataset.status !== "done" && root.dataset.status !== "failed") poll();
})();
