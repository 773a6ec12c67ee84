// The agent's desk: the call timer, number keys for the outcome buttons, no accidental submit with Enter.
(function () {
  "use strict";
  // Timers: the call's, and how long the agent has been in their state.
  var timers = Array.prototype.slice.call(document.querySelectorAll(".js-since"));
  var tick = function () {
    timers.forEach(function (timer) {
      var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timer.dataset.since)) / 1000));
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      timer.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
    });
  };
  if (timers.length) {
    tick();
    window.setInterval(tick, 1000);
  }
  var form = document.getElementById("outcome-form");
  if (!form) {
    return;
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (event.key === "Enter" && typing && target.tagName === "INPUT" && form.contains(target)) {
      event.preventDefault(); // the first button would record "no answer"
      return;
    }
    if (typing || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    var button = form.querySelector('button[data-hotkey="' + CSS.escape(event.key) + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
