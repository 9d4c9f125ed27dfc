// The GOV.UK "timeout warning": before an idle session ends, a modal dialog offers
// "Stay signed in" (a POST to the keep-alive endpoint, without reloading the page, so
// whatever is typed in a form stays) or "Sign out".
//
// Configured by data- attributes on <body> (templates/base.html); only signed-in pages have
// them. The server is the authority: it ends idle sessions whether or not this runs
// (accounts.sessions), so before warning we ask it how long is left (another tab may have
// been busy), and asking is not counted as activity (X-Background-Request).
(function () {
  "use strict";

  var body = document.body;
  if (!body.hasAttribute("data-session-timeout")) return;
  var dialog = document.querySelector("[data-session-timeout-dialog]");
  if (!dialog || typeof dialog.showModal !== "function") return;

  var config = {
    statusUrl: body.getAttribute("data-session-status-url"),
    keepAliveUrl: body.getAttribute("data-session-keep-alive-url"),
    signInUrl: body.getAttribute("data-session-sign-in-url"),
    csrfToken: body.getAttribute("data-csrf-token"),
    warningSeconds: Number(body.getAttribute("data-session-warning-seconds")) || 120,
    secondsLeft: Number(body.getAttribute("data-session-seconds-left")) || 0,
  };
  // Wait this long past the server's deadline before leaving the page: the server must have
  // ended the session already, or visiting the sign-in page would count as activity.
  var SLACK_MS = 2000;
  // While the warning is open, ask the server again this often (another tab may stay signed in).
  var RECHECK_MS = 15000;

  var heading = dialog.querySelector("[data-session-heading]");
  var message = dialog.querySelector("[data-session-message]");
  var countdown = dialog.querySelector("[data-session-countdown]");
  var announce = dialog.querySelector("[data-session-announce]");
  var error = dialog.querySelector("[data-session-error]");
  var keepText = dialog.querySelector("[data-session-keep-text]");
  var stay = dialog.querySelector("[data-session-stay]");

  var deadline = Date.now() + config.secondsLeft * 1000;
  var extendable = true;
  var warnTimer = null;
  var tickTimer = null;
  var recheckTimer = null;
  var lastFocus = null;
  var lastAnnounced = null;

  function request(url, method) {
    var headers = { Accept: "application/json" };
    if (method === "GET") headers["X-Background-Request"] = "1";
    else headers["X-CSRFToken"] = config.csrfToken;
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
    }).then(function (response) {
      if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
        return { signed_in: false };
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function signedOut(reason) {
    var next = window.location.pathname + window.location.search;
    window.location.assign(
      config.signInUrl +
        "?signed_out=" + encodeURIComponent(reason || "idle") +
        "&next=" + encodeURIComponent(next)
    );
  }

  function words(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function setVariant() {
    var key = extendable ? "data-extendable-text" : "data-final-text";
    [heading, message, stay].forEach(function (el) {
      el.textContent = el.getAttribute(key);
    });
    keepText.hidden = !extendable;
  }

  function schedule(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(check, Math.max(0, secondsLeft - config.warningSeconds) * 1000);
  }

  function tick() {
    var left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      countdown.textContent = words(0);
      if (Date.now() - deadline >= SLACK_MS) {
        stopTimers();
        signedOut(extendable ? "idle" : "absolute");
      }
      return;
    }
    countdown.textContent = words(left);
    // Screen readers hear the time when the warning opens, then each minute and at 20 seconds,
    // not every second.
    var spoken = left > 60 ? Math.ceil(left / 60) + "m" : left > 20 ? "1m" : "20s";
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken;
      announce.textContent = message.textContent + " " + words(left) + ".";
    }
  }

  function stopTimers() {
    window.clearInterval(tickTimer);
    window.clearInterval(recheckTimer);
    tickTimer = recheckTimer = null;
  }

  function open(state) {
    extendable = state.extendable !== false;
    deadline = Date.now() + state.seconds_left * 1000;
    if (!dialog.open) {
      lastFocus = document.activeElement;
      lastAnnounced = null;
      setVariant();
      error.hidden = true;
      dialog.showModal();
      heading.focus();
    }
    tick();
    if (!tickTimer) tickTimer = window.setInterval(tick, 1000);
    if (!recheckTimer) recheckTimer = window.setInterval(recheck, RECHECK_MS);
  }

  function close() {
    stopTimers();
    if (dialog.open) dialog.close();
    announce.textContent = "";
    if (lastFocus && typeof lastFocus.focus === "function") lastFocus.focus();
    lastFocus = null;
  }

  function apply(state) {
    if (!state.signed_in) {
      close();
      signedOut("idle");
      return;
    }
    if (state.seconds_left > config.warningSeconds + 1) {
      close();
      schedule(state.seconds_left);
    } else {
      open(state);
    }
  }

  function check() {
    request(config.statusUrl, "GET").then(apply, function () {
      // The server did not answer: warn on our own clock; it ends the session regardless.
      open({ seconds_left: Math.max(0, Math.ceil((deadline - Date.now()) / 1000)), extendable: extendable });
    });
  }

  function recheck() {
    request(config.statusUrl, "GET").then(function (state) {
      if (!state.signed_in || state.seconds_left > config.warningSeconds + 1) apply(state);
      else deadline = Date.now() + state.seconds_left * 1000;
    }, function () {});
  }

  function staySignedIn() {
    if (!extendable) {
      // The session cannot outlive its absolute lifetime: let them save, then leave on time.
      close();
      window.clearTimeout(warnTimer);
      warnTimer = window.setTimeout(function () {
        signedOut("absolute");
      }, Math.max(0, deadline - Date.now()) + SLACK_MS);
      return;
    }
    stay.disabled = true;
    request(config.keepAliveUrl, "POST").then(function (state) {
      stay.disabled = false;
      apply(state);
    }, function () {
      stay.disabled = false;
      error.hidden = false;
      announce.textContent = error.textContent;
    });
  }

  stay.addEventListener("click", staySignedIn);
  // Escape means "stay signed in", as in the GOV.UK pattern, rather than just hiding the warning.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    staySignedIn();
  });

  schedule(config.secondsLeft);
})();
