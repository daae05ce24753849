/*
 * Portal session keeper.
 * - Knows when the server will sign this tab out (GET session endpoint, not activity).
 * - Two minutes before, shows a dialog whose button extends the session (POST).
 * - Typing in a form counts as activity: at most one POST a minute.
 * - Once signed out, a notice (not a dialog: it never takes focus, so typing carries on
 *   where it was) offers to sign in again in a new tab; the session is then watched and the
 *   notice goes when this tab is signed in again. A page may bring its own notice
 *   (#signed-out-notice); "portal:signed-out" and "portal:signed-in" tell the page.
 */
(function () {
  "use strict";

  var holder = document.getElementById("portal-session");
  var dialog = document.getElementById("session-dialog");
  if (!holder || !dialog || !window.fetch) return;

  var url = holder.dataset.sessionUrl;
  var WARN_BEFORE = 120; // seconds
  var ACTIVITY_EVERY = 60 * 1000;
  var deadline = null; // ms since epoch
  var timer = null;
  var lastActivityPost = 0;
  var stayButton = dialog.querySelector("[data-session-stay]");
  var loginLink = dialog.querySelector("[data-session-login]");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function request(method, retried) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    };
    if (method === "POST") options.headers["X-CSRFToken"] = csrfToken();
    return fetch(url, options)
      .then(function (response) {
        // A stale token is not a sign-out: a GET brings a fresh one, then one more try.
        if (response.status === 403 && method === "POST" && !retried) {
          return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function () { return request("POST", true); });
        }
        return response.json().then(update);
      })
      .catch(function () { schedule(30); }); // offline: look again soon
  }

  function update(state) {
    if (!state.authenticated) {
      showSignedOut();
      return;
    }
    deadline = Date.now() + state.seconds_left * 1000;
    if (state.seconds_left > WARN_BEFORE && dialog.open) dialog.close();
    schedule(Math.max(5, state.seconds_left - WARN_BEFORE));
  }

  function schedule(seconds) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, seconds * 1000);
  }

  // Another tab may have kept the session alive: ask the server before warning.
  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.authenticated) return showSignedOut();
        deadline = Date.now() + state.seconds_left * 1000;
        if (state.seconds_left <= WARN_BEFORE) {
          showWarning();
          schedule(Math.max(1, state.seconds_left));
        } else {
          update(state);
        }
      })
      .catch(function () { schedule(30); });
  }

  function open() {
    if (!dialog.open) dialog.showModal();
  }

  function showWarning() {
    stayButton.classList.remove("d-none");
    loginLink.classList.add("d-none");
    open();
    stayButton.focus();
  }

  function signedOutNotice() {
    var notice = document.getElementById("signed-out-notice");
    if (notice) return notice;
    notice = document.createElement("div");
    notice.id = "signed-out-notice";
    notice.className = "alert alert-warning session-signed-out";
    notice.setAttribute("role", "alert");
    notice.hidden = true;
    var words = document.createElement("p");
    words.className = "mb-2";
    words.textContent =
      "You were signed out for your privacy. Anything already saved is kept. Sign in " +
      "again in a new tab, then come back here.";
    var link = loginLink.cloneNode(true);
    link.className = "btn btn-sm btn-primary";
    link.removeAttribute("data-session-login");
    notice.appendChild(words);
    notice.appendChild(link);
    var main = document.getElementById("main") || document.body;
    main.insertBefore(notice, main.firstChild);
    return notice;
  }

  var signedOut = false;

  function showSignedOut() {
    window.clearTimeout(timer);
    if (dialog.open) dialog.close(); // a modal would take the next keystroke
    if (signedOut) return;
    signedOut = true;
    signedOutNotice().hidden = false;
    document.dispatchEvent(new CustomEvent("portal:signed-out"));
    // Keep watching: signing in again in another tab brings this one back.
    window.setTimeout(function watch() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.authenticated) {
            signedOut = false;
            signedOutNotice().hidden = true;
            document.dispatchEvent(new CustomEvent("portal:signed-in"));
            update(state);
          } else {
            window.setTimeout(watch, 5000);
          }
        })
        .catch(function () { window.setTimeout(watch, 5000); });
    }, 5000);
  }

  stayButton.addEventListener("click", function () {
    request("POST").then(function () { if (dialog.open) dialog.close(); });
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.closest || !event.target.closest("form")) return;
    var now = Date.now();
    if (now - lastActivityPost < ACTIVITY_EVERY) return;
    lastActivityPost = now;
    request("POST");
  });

  request("GET");
})();
