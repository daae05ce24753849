// Session summaries panel: follow each summary that is still being prepared, and show its
// state and download link as soon as they change. Reads data- attributes; no inline script.
(function () {
  "use strict";

  var FIRST_DELAY = 1500;
  var LONGEST_DELAY = 15000;
  var GIVE_UP_AFTER = 15 * 60 * 1000; // the sweeper has long settled it by then

  function announce(row, text) {
    var section = row.closest("section") || document;
    var region = section.querySelector("[data-summaries-announcer]");
    if (region) {
      region.textContent = text;
    }
  }

  function render(row, state) {
    var stateCell = row.querySelector("[data-summary-state]");
    var downloadCell = row.querySelector("[data-summary-download]");
    var badge = document.createElement("span");
    badge.className = "w-status" + (state.status === "ready" ? " w-status--primary" : "");
    badge.textContent = state.label;
    stateCell.replaceChildren(badge);
    if (state.failure_reason) {
      var reason = document.createElement("p");
      reason.className = "help-block help-critical";
      reason.textContent = state.failure_reason;
      stateCell.appendChild(reason);
    }
    if (state.download_url) {
      var link = document.createElement("a");
      link.href = state.download_url;
      link.setAttribute("download", "");
      link.textContent = "Download PDF";
      var pages = document.createElement("span");
      pages.className = "session-summary-meta";
      pages.textContent = state.page_count + (state.page_count === 1 ? " page" : " pages");
      downloadCell.replaceChildren(link, pages);
    } else if (!state.in_progress) {
      downloadCell.textContent = "—";
    }
  }

  function follow(row) {
    if (row.hasAttribute("data-summary-followed")) {
      return; // the script may be on the page twice
    }
    row.setAttribute("data-summary-followed", "");
    var url = row.getAttribute("data-summary-status-url");
    var delay = FIRST_DELAY;
    var started = Date.now();

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (state) {
          render(row, state);
          if (state.in_progress) {
            schedule();
          } else {
            row.removeAttribute("data-summary-status-url");
            announce(
              row,
              state.status === "ready"
                ? "The session summary is ready to download."
                : "The session summary could not be prepared: " + state.failure_reason
            );
          }
        })
        .catch(schedule);
    }

    function schedule() {
      if (Date.now() - started > GIVE_UP_AFTER) {
        return;
      }
      window.setTimeout(poll, delay);
      delay = Math.min(delay * 1.5, LONGEST_DELAY);
    }

    schedule();
  }

  function start() {
    document.querySelectorAll("[data-summary-status-url]").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
