// The supervisor's wallboard: the server sends the live part again every few seconds; times in a state tick here.
(function () {
  "use strict";
  const board = document.getElementById("wallboard");
  const status = document.getElementById("wallboard-status");
  if (!board) return;

  function tick() {
    const now = Date.now();
    board.querySelectorAll(".js-since").forEach(function (cell) {
      const since = Date.parse(cell.dataset.since);
      if (Number.isNaN(since)) return;
      const seconds = Math.max(0, Math.floor((now - since) / 1000));
      const minutes = Math.floor(seconds / 60);
      const hours = Math.floor(minutes / 60);
      const pad = function (n) { return String(n).padStart(2, "0"); };
      cell.textContent = hours ? hours + ":" + pad(minutes % 60) + ":" + pad(seconds % 60) : minutes + ":" + pad(seconds % 60);
    });
  }

  let delay = 1000;
  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + board.dataset.socket);
    socket.addEventListener("message", function (event) {
      const frame = JSON.parse(event.data);
      if (frame.type !== "wallboard") return;
      board.innerHTML = frame.html;  // rendered and escaped by the server's template
      status.textContent = status.dataset.live;
      status.className = "badge text-bg-success";
      delay = 1000;
      tick();
    });
    socket.addEventListener("close", function (event) {
      status.textContent = status.dataset.lost;
      status.className = "badge text-bg-warning";
      if (event.code === 4401 || event.code === 4403) return;  // not allowed: reconnecting will not help
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  tick();
  window.setInterval(tick, 1000);
  connect();
})();
