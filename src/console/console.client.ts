/**
 * The console's only script, served as /assets/console.js: progressive enhancement, every page works without it.
 * - <time datetime> elements get the reader's local time as their tooltip (the page prints UTC);
 * - copy buttons (hidden until this script shows them) copy their block's text and say so to screen readers;
 * - the incident list refreshes itself every 30 s by fetching the same URL (filters and all) and swapping the list,
 *   paused while the tab is hidden, and off by default for readers who ask for reduced motion.
 * Kept as plain ES2017 in a string: no bundler, and the browser gets exactly this text.
 */
export const consoleScript = `(function () {
  "use strict";
  var REFRESH_MS = 30000;
  var live = document.getElementById("live");
  function say(text) { if (live) { live.textContent = ""; live.textContent = text; } }

  function localTimes(root) {
    var times = root.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var d = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(d.getTime())) times[i].title = d.toLocaleString() + " (your time)";
    }
  }

  function copyText(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) return;
    navigator.clipboard.writeText(target.textContent || "").then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      say("Copied to the clipboard");
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () { say("Copying failed: select the text and copy it"); });
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      if (!navigator.clipboard) continue;
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (e) { copyText(e.currentTarget); });
    }
  }

  function autoRefresh() {
    var region = document.querySelector("[data-refresh]");
    var toggle = document.getElementById("refresh-toggle");
    var status = document.getElementById("refresh-status");
    if (!region || !toggle || !status) return;
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var on = !reduced;
    var timer = null;
    var due = false;
    function show() {
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? "Auto-refresh: on" : "Auto-refresh: off";
    }
    function schedule() {
      clearTimeout(timer);
      if (on) timer = setTimeout(tick, REFRESH_MS);
    }
    function tick() {
      if (document.hidden) { due = true; return; }
      fetch(location.href, { credentials: "same-origin", headers: { "x-deniedby-refresh": "1" } })
        .then(function (res) {
          if (!res.ok || res.redirected) throw new Error(res.redirected ? "signed out" : "HTTP " + res.status);
          return res.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("[data-refresh]");
          if (!fresh) throw new Error("no list in the answer");
          region.replaceChildren.apply(region, Array.prototype.map.call(fresh.childNodes, function (n) {
            return document.importNode(n, true);
          }));
          localTimes(region);
          status.textContent = "Updated " + new Date().toLocaleTimeString();
          schedule();
        })
        .catch(function (err) {
          status.textContent = "Refresh stopped: " + err.message + ". Reload the page.";
          on = false;
          show();
        });
    }
    toggle.hidden = false;
    show();
    toggle.addEventListener("click", function () {
      on = !on;
      show();
      if (on) tick(); else clearTimeout(timer);
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && due && on) { due = false; tick(); }
    });
    schedule();
  }

  localTimes(document);
  copyButtons();
  autoRefresh();
})();
`;
