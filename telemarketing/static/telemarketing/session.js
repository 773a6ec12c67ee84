// The session's idle timeout, as the person sees it: a warning a minute before, with "stay signed in".
// The server decides (portal.middleware); this page only asks how long is left, which does not count as activity.
(function () {
  "use strict";
  const warning = document.getElementById("session-warning");
  if (!warning) return;
  const keepAlive = document.getElementById("session-keep-alive");
  const WARN_BEFORE = 60;
  let timer = null;

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(1, seconds) * 1000);
  }

  function check() {
    fetch(warning.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((status) => {
        if (status.remaining <= 0) {
          window.location.assign(warning.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
        } else if (status.remaining <= WARN_BEFORE) {
          warning.hidden = false;
          schedule(status.remaining);
        } else {
          warning.hidden = true;
          schedule(status.remaining - WARN_BEFORE);
        }
      })
      .catch(() => schedule(15));
  }

  keepAlive.addEventListener("submit", (event) => {
    event.preventDefault();
    fetch(keepAlive.action, { method: "POST", body: new FormData(keepAlive), credentials: "same-origin" })
      .then((response) => response.json())
      .then(() => {
        warning.hidden = true;
        check();
      });
  });

  check();
})();
