/*
 * The weekly reflection form: autosave, a live character count, and never losing words.
 *
 * - Drafts save to the server a moment after typing stops, and when the page is hidden.
 *   Nothing is ever written to the browser's storage: the server is the only copy.
 * - Signed out (401, a redirect to the sign-in page, or the session keeper's
 *   "portal:signed-out"): the text stays on the page and in memory only, typing carries on
 *   (the notice never takes focus), the session is polled (GET, not activity) and, once
 *   signed in again in another tab, a fresh token is fetched and the answers saved.
 * - A submitted reflection is autosaved too; it stays submitted.
 * - Answers the server kept after a failed post come back in the form (data-restored):
 *   they count as unsaved until the client saves them.
 * - A stale CSRF token (403): a fresh one comes from the session endpoint, then one retry.
 * - Another tab saved first (409): both versions are shown and the client chooses.
 * - The form still works without this file: "Save draft" and "Submit" are plain posts.
 */
(function () {
  "use strict";

  var form = document.getElementById("reflection-form");
  if (!form) {
    return;
  }
  var statusEl = document.getElementById("save-status");
  var signedOutEl = document.getElementById("signed-out-notice");
  var conflictEl = document.getElementById("conflict-notice");
  var versionInput = form.querySelector("input[name=version]");
  var sessionUrl = form.getAttribute("data-session-url");
  var autosave = form.getAttribute("data-autosave") === "true";

  var DEBOUNCE_MS = 1500;
  var POLL_MS = 5000;
  var MAX_RETRY_MS = 30000;

  var debounceTimer = null;
  var retryTimer = null;
  var pollTimer = null;
  var retryDelay = 2000;
  var inFlight = null;
  var saveAgain = false;
  var dirty = false;
  var blocked = false; // a conflict or a refusal waits for the client's choice
  var submitting = false;
  var lastPing = 0;

  function setStatus(text, isProblem) {
    statusEl.textContent = text;
    statusEl.classList.toggle("text-danger", Boolean(isProblem));
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function refreshCsrfInput() {
    var token = csrfToken();
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && input) {
      input.value = token;
    }
  }

  /* GET the session endpoint: it says whether we are signed in and sets a fresh token. */
  function checkSession() {
    return fetch(sessionUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        refreshCsrfInput();
        return data;
      });
  }

  // --- Character counts ------------------------------------------------------------------

  function formatNumber(n) {
    return n.toLocaleString("en-GB");
  }

  function setUpCounter(textarea) {
    var limit = parseInt(textarea.getAttribute("data-max-length"), 10);
    if (!limit) {
      return;
    }
    var counter = document.createElement("p");
    counter.className = "form-text char-count";
    counter.id = textarea.id + "-count";
    textarea.insertAdjacentElement("afterend", counter);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var length = textarea.value.length;
      if (length > limit) {
        counter.textContent =
          formatNumber(length) + " of " + formatNumber(limit) + " characters: " +
          formatNumber(length - limit) + " more than fit. Please shorten it a little.";
        counter.classList.add("text-danger");
      } else {
        counter.textContent = formatNumber(length) + " of " + formatNumber(limit) + " characters";
        counter.classList.remove("text-danger");
      }
    }
    textarea.addEventListener("input", update);
    update();
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-max-length]"), setUpCounter);

  // After a post with problems, start at the summary that lists them (and links to each).
  var errorSummary = document.getElementById("error-summary");
  if (errorSummary) {
    errorSummary.focus();
  }

  // --- Signed out ------------------------------------------------------------------------

  function showSignedOut() {
    signedOutEl.hidden = false;
    setStatus("Not saved: you've been signed out. Your words are still here.", true);
    if (!pollTimer) {
      pollTimer = window.setInterval(pollSession, POLL_MS);
    }
  }

  function pollSession() {
    checkSession()
      .then(function (data) {
        if (data && data.authenticated) {
          window.clearInterval(pollTimer);
          pollTimer = null;
          signedOutEl.hidden = true;
          setStatus("Signed in again. Saving…");
          dirty = true;
          save();
        }
      })
      .catch(function () {
        /* offline for now: the next poll tries again */
      });
  }

  window.addEventListener("focus", function () {
    if (pollTimer) {
      pollSession();
    }
  });

  // The session keeper noticed first (a keystroke's activity ping, or its own timer).
  document.addEventListener("portal:signed-out", showSignedOut);
  document.addEventListener("portal:signed-in", function () {
    if (pollTimer) {
      pollSession();
    }
  });

  // --- Conflicts -------------------------------------------------------------------------

  function fieldLabel(name) {
    var field = form.querySelector("[name='" + name + "']");
    var wrapper = field && field.closest(".mb-3, fieldset");
    var label = wrapper && wrapper.querySelector("label, legend");
    return label ? label.textContent.replace("*", "").trim() : name;
  }

  function showConflict(data) {
    blocked = true;
    // The server's message speaks of reloading and saving again; here there are two buttons.
    conflictEl.querySelector("[data-message]").textContent =
      "This reflection was also saved from another tab or window" +
      (data.saved_at ? " at " + data.saved_at : "") +
      ". Nothing has been overwritten. Compare the saved version below with what's on " +
      "this page, then choose which one to keep.";
    var saved = conflictEl.querySelector("[data-saved]");
    saved.textContent = "";
    var list = document.createElement("dl");
    Object.keys(data.saved).forEach(function (name) {
      var dt = document.createElement("dt");
      dt.textContent = fieldLabel(name);
      var dd = document.createElement("dd");
      dd.className = "answer-text";
      var value = data.saved[name];
      dd.textContent = value === null || value === "" ? "No answer" : String(value);
      list.appendChild(dt);
      list.appendChild(dd);
    });
    saved.appendChild(list);
    conflictEl.hidden = false;
    conflictEl.setAttribute("data-version", data.version);
    conflictEl.savedValues = data.saved;
    setStatus("Not saved yet: please choose which version to keep.", true);
  }

  function useSavedValues(values) {
    Object.keys(values).forEach(function (name) {
      var value = values[name] === null ? "" : String(values[name]);
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
        if (el.type === "radio") {
          el.checked = el.value === value;
        } else {
          el.value = value;
          el.dispatchEvent(new Event("input"));
        }
      });
    });
  }

  conflictEl.querySelector("[data-keep-mine]").addEventListener("click", function () {
    versionInput.value = conflictEl.getAttribute("data-version");
    conflictEl.hidden = true;
    blocked = false;
    dirty = true;
    save();
  });

  conflictEl.querySelector("[data-use-saved]").addEventListener("click", function () {
    versionInput.value = conflictEl.getAttribute("data-version");
    useSavedValues(conflictEl.savedValues || {});
    conflictEl.hidden = true;
    blocked = false;
    dirty = false;
    setStatus("Now showing the saved version.");
  });

  // --- Saving ----------------------------------------------------------------------------

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function failed() {
    dirty = true;
    setStatus("Not saved yet: trying again in a moment. Your words are still here.", true);
    scheduleRetry();
  }

  function handle(response, csrfRetried) {
    if (response.status === 401 || (response.redirected && response.url.indexOf("/login") !== -1)) {
      dirty = true;
      showSignedOut();
      return null;
    }
    return response
      .json()
      .catch(function () {
        return {};
      })
      .then(function (data) {
        if (response.ok && data.ok) {
          versionInput.value = data.version;
          retryDelay = 2000;
          signedOutEl.hidden = true;
          if (!dirty) {
            setStatus("Saved at " + data.saved_at);
          }
          return null;
        }
        if (response.status === 403 && data.error === "csrf" && !csrfRetried) {
          // A fresh token comes with the session check; then the same save, once more.
          return checkSession().then(function (session) {
            if (session && session.authenticated) {
              return send(false, true);
            }
            dirty = true;
            showSignedOut();
            return null;
          }, failed);
        }
        if (response.status === 409 && data.error === "conflict") {
          showConflict(data);
          return null;
        }
        if (response.status === 409) {
          blocked = true;
          setStatus("Not saved: " + (data.message || "this week can't be changed now."), true);
          return null;
        }
        if (response.status === 404) {
          blocked = true;
          setStatus(
            "Not saved: this week isn't available to you any more. Your words are still " +
              "here, so you can copy them.",
            true
          );
          return null;
        }
        if (response.status === 413) {
          dirty = true;
          setStatus(
            "Not saved: this is more than can be sent at once. Please shorten it a little; " +
              "your words are still here.",
            true
          );
          return null;
        }
        if (response.status === 400) {
          dirty = true; // saved again after the next change
          setStatus("Not saved: " + (data.message || "please look at your answers."), true);
          return null;
        }
        failed();
        return null;
      });
  }

  function send(keepalive, csrfRetried) {
    var body = new URLSearchParams(new FormData(form));
    body.set("autosave", "1");
    var text = body.toString();
    return fetch(form.action, {
      method: "POST",
      body: text,
      credentials: "same-origin",
      keepalive: Boolean(keepalive) && text.length < 60000,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken(),
      },
    }).then(function (response) {
      return handle(response, csrfRetried);
    }, failed);
  }

  function save(keepalive) {
    window.clearTimeout(debounceTimer);
    if (!autosave || blocked || submitting || !dirty) {
      return inFlight || Promise.resolve();
    }
    if (inFlight) {
      saveAgain = true;
      return inFlight;
    }
    dirty = false;
    setStatus("Saving…");
    inFlight = send(keepalive, false).then(function () {
      inFlight = null;
      if (saveAgain) {
        saveAgain = false;
        dirty = true;
        return save();
      }
      return null;
    });
    return inFlight;
  }

  /* Typing extends the session even where nothing autosaves (a submitted reflection). */
  function keepAlive() {
    if (autosave || Date.now() - lastPing < 60000) {
      return;
    }
    lastPing = Date.now();
    fetch(sessionUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).catch(function () {});
  }

  form.addEventListener("input", function () {
    dirty = true;
    keepAlive();
    if (pollTimer) {
      return; // signed out: kept here until the session is back (see pollSession)
    }
    if (autosave && !blocked) {
      setStatus("Not saved yet");
      window.clearTimeout(debounceTimer);
      debounceTimer = window.setTimeout(save, DEBOUNCE_MS);
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) {
      save(true);
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if ((dirty || inFlight) && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  if (form.getAttribute("data-restored") === "true") {
    dirty = true; // kept by the server after a failed post: not a reflection until saved
    setStatus("Not saved yet: check your answers, then save.", true);
  }

  // --- Submitting ------------------------------------------------------------------------

  /* Before the plain post goes, make sure it will be accepted: signed in, fresh token. */
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submitting) {
      return; // a double click or a second Enter
    }
    var submitter = event.submitter;
    submitting = true;
    window.clearTimeout(debounceTimer);
    var buttons = form.querySelectorAll("[type=submit]");
    Array.prototype.forEach.call(buttons, function (b) {
      b.disabled = true;
    });
    Promise.resolve(inFlight)
      .then(checkSession)
      .catch(function () {
        return { authenticated: true }; // let the plain post find out
      })
      .then(function (session) {
        if (session && session.authenticated === false) {
          submitting = false;
          Array.prototype.forEach.call(buttons, function (b) {
            b.disabled = false;
          });
          showSignedOut();
          return;
        }
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = submitter.name;
          hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        setStatus(submitter && submitter.name === "submit_reflection" ? "Submitting…" : "Saving…");
        form.submit();
      });
  });

  // Back to this page from the browser's history: the buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      Array.prototype.forEach.call(form.querySelectorAll("[type=submit]"), function (b) {
        b.disabled = false;
      });
    }
  });
})();
