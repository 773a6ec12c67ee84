/* The customer's chat widget on every page: a button with the count of unread agent messages, and a panel
 * (a ChatPanel) that continues the open conversation or starts one with the first message typed. */
(function () {
  "use strict";

  const widget = document.getElementById("chat-widget");
  if (!widget) {
    return;
  }
  const toggle = widget.querySelector(".chat-widget-toggle");
  const panel = widget.querySelector(".chat-widget-panel");
  const badge = widget.querySelector(".chat-widget-unread");
  const root = widget.querySelector("[data-chat-panel]");
  let text = {};
  let unread = 0;

  function seenKey() {
    return "chat-seen-" + root.dataset.conversationId;
  }

  function lastSeen() {
    return Number(window.localStorage.getItem(seenKey()) || 0);
  }

  function markSeen(seq) {
    if (root.dataset.conversationId && seq > lastSeen()) {
      window.localStorage.setItem(seenKey(), String(seq));
    }
  }

  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    toggle.setAttribute("aria-label", unread ? text.chat + " — " + text.unread.replace("%(count)s", unread) : text.chat);
  }

  function open(opened) {
    panel.hidden = !opened;
    toggle.setAttribute("aria-expanded", String(opened));
    widget.classList.toggle("open", opened);
    if (opened) {
      unread = 0;
      showUnread();
      markSeen(root.chatPanel ? root.chatPanel.contiguousSeq : 0);
      root.querySelector(".chat-input").focus();
      root.chatPanel.scrollDown();
    }
  }

  root.addEventListener("chat:message", (event) => {
    const seq = Number(event.detail.message.seq);
    if (!panel.hidden || event.detail.mine) {
      markSeen(seq);
    } else if (seq > lastSeen()) {
      unread += 1;
      showUnread();
    }
  });
  toggle.addEventListener("click", () => {
    if (root.chatPanel) {
      open(panel.hidden);
    }
  });
  // The page carries no chat text or query of its own: the widget asks for its words and the conversation to
  // continue once the page is loaded.
  window
    .fetch(widget.dataset.currentUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((answer) => {
      text = answer.labels;
      const labels = document.createElement("script");
      labels.type = "application/json";
      labels.id = "chat-labels";
      labels.textContent = JSON.stringify(answer.labels);
      document.body.appendChild(labels);
      root.chatPanel = new window.ChatPanel(root);
      if (answer.conversation) {
        root.chatPanel.resume(answer.conversation);
      }
    })
    .catch(() => {
      widget.hidden = true; // the chat cannot be reached now; the page works without it
    });
  widget.querySelector(".chat-widget-close").addEventListener("click", () => open(false));
})();
