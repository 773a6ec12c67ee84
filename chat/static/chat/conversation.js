/* One live conversation over the chat websocket (protocol: docs/chat-protocol.md).
 *
 * Every text from the server is put on the page with textContent, never as HTML.
 * Messages carry our own client_id; until the server acknowledges one it stays "pending" and is
 * sent again (same client_id, so stored once) after a reconnect. Messages are numbered per conversation
 * (seq): on every (re)connect, and whenever a number is skipped, the panel asks for the messages after the
 * highest number below which it has seen them all. While the connection is down a banner says so. */
(function () {
  "use strict";

  const REFUSED = { 4401: true, 4403: true, 4404: true };
  const TYPING_SEND_EVERY_MS = 2500;
  const TYPING_IDLE_MS = 4000;
  const TYPING_SHOWN_MS = 6000;

  function labels() {
    const element = document.getElementById("chat-labels");
    return element ? JSON.parse(element.textContent) : {};
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function socketUrl(path) {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function shortTime(iso) {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) {
      return "";
    }
    return when.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  class ChatPanel {
    constructor(root) {
      this.root = root;
      this.text = labels();
      this.conversationId = root.dataset.conversationId;
      this.me = Number(root.dataset.me);
      this.role = root.dataset.role;
      this.status = root.dataset.status || "";
      this.maxLength = Number(root.dataset.maxLength) || 4000;
      this.list = root.querySelector(".chat-messages");
      this.form = root.querySelector(".chat-form");
      this.input = root.querySelector(".chat-input");
      this.statusLine = root.querySelector(".chat-status");
      this.presenceLine = root.querySelector(".chat-presence");
      this.typingLine = root.querySelector(".chat-typing");
      this.errorLine = root.querySelector(".chat-error");
      this.connection = root.querySelector(".chat-connection");
      this.outage = root.querySelector(".chat-outage");
      this.closeButton = root.querySelector(".chat-close");
      this.pending = new Map();
      this.seqs = new Set();
      this.contiguousSeq = 0; // every message numbered up to this one is on the page
      this.list.querySelectorAll("[data-seq]").forEach((item) => this.noteSeq(Number(item.dataset.seq)));
      this.retryDelay = 500;
      this.stopped = false;
      this.lastTypingSent = 0;
      this.typingIdleTimer = null;
      this.typingShownTimer = null;
      this.agentsOnline = null;
      this.peerOnline = null;
      this.queuePlace = null;
      this.mode = "message";
      this.replyPlaceholder = this.input.placeholder;
      this.replies = [];
      this.repliesList = root.querySelector(".chat-replies");
      root.querySelectorAll(".chat-mode [data-mode]").forEach((button) => {
        button.addEventListener("click", () => this.setMode(button.dataset.mode));
      });

      this.fileInput = root.querySelector(".chat-file");
      this.attachLabel = root.querySelector(".chat-attach");
      this.fileInput.addEventListener("change", () => this.upload(this.fileInput.files[0]));
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.sendMessage();
      });
      this.input.addEventListener("keydown", (event) => {
        if ((event.key === "Tab" || event.key === "Enter") && this.repliesList && !this.repliesList.hidden) {
          const first = this.repliesList.querySelector("[data-shortcut]");
          if (first) {
            event.preventDefault();
            this.insertReply(first.dataset.shortcut);
            return;
          }
        }
        if (event.key === "Escape" && this.repliesList) {
          this.repliesList.hidden = true;
        }
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.sendMessage();
        }
      });
      this.input.addEventListener("input", () => {
        this.noteTyping();
        this.suggestReplies();
      });
      this.closeButton.addEventListener("click", () => {
        if (window.confirm(this.text.confirm_close)) {
          this.send({ type: "close" });
        }
      });
      this.scrollDown();
      if (this.conversationId) {
        this.connect();
      }
    }

    setMode(mode) {
      this.mode = mode;
      this.root.querySelectorAll(".chat-mode [data-mode]").forEach((button) => {
        const on = button.dataset.mode === mode;
        button.classList.toggle("active", on);
        button.setAttribute("aria-pressed", String(on));
      });
      this.form.classList.toggle("note-mode", mode === "note");
      this.input.placeholder = mode === "note" ? this.text.note_placeholder : this.replyPlaceholder;
    }

    suggestReplies() {
      if (!this.repliesList) {
        return;
      }
      const value = this.input.value;
      const match = /^\/([\w-]*)$/.exec(value);
      this.repliesList.replaceChildren();
      if (!match || this.mode !== "message") {
        this.repliesList.hidden = true;
        return;
      }
      const found = this.replies.filter((reply) => reply.shortcut.startsWith(match[1].toLowerCase())).slice(0, 8);
      found.forEach((reply) => {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action small py-1";
        item.dataset.shortcut = reply.shortcut;
        const key = document.createElement("strong");
        key.textContent = "/" + reply.shortcut + " ";
        const body = document.createElement("span");
        body.className = "text-body-secondary";
        body.textContent = reply.text.length > 90 ? reply.text.slice(0, 89) + "…" : reply.text;
        item.append(key, body);
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          this.insertReply(reply.shortcut);
        });
        this.repliesList.appendChild(item);
      });
      if (!found.length) {
        const none = document.createElement("li");
        none.className = "list-group-item small py-1 text-body-secondary";
        none.textContent = this.text.no_replies;
        this.repliesList.appendChild(none);
      }
      this.repliesList.hidden = false;
    }

    insertReply(shortcut) {
      const reply = this.replies.find((candidate) => candidate.shortcut === shortcut);
      if (reply) {
        this.input.value = reply.text; // plain text, filled in by the server for this customer
        this.repliesList.hidden = true;
        this.input.focus();
      }
    }

    resume(conversationId) {
      // The widget found an open conversation to continue: show and connect it.
      this.conversationId = String(conversationId);
      this.root.dataset.conversationId = this.conversationId;
      this.connection.hidden = false;
      this.closeButton.parentElement.hidden = false;
      this.attachLabel.hidden = false;
      this.connect();
    }

    start() {
      // The widget's first message: start the conversation, then connect; the pending message goes on "open".
      if (this.starting) {
        return;
      }
      this.starting = true;
      const token = this.root.closest("[data-start-url]");
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token.querySelector("[name=csrfmiddlewaretoken]").value);
      window
        .fetch(token.dataset.startUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then((response) => response.json())
        .then((answer) => {
          this.starting = false;
          if (!answer.conversation) {
            this.showError(answer.error || { message: this.text.closed });
            return;
          }
          this.resume(answer.conversation);
        })
        .catch(() => {
          this.starting = false;
          this.showError({ message: this.text.reconnecting });
        });
    }

    connect() {
      if (this.stopped) {
        return;
      }
      this.showConnection("connecting");
      const socket = new WebSocket(socketUrl("/ws/chat/conversations/" + this.conversationId + "/"));
      this.socket = socket;
      socket.addEventListener("open", () => {
        this.retryDelay = 500;
        this.showConnection("connected");
        this.send({ type: "sync", after_seq: this.contiguousSeq });
        this.pending.forEach((entry, clientId) => {
          this.send({ type: "message", client_id: clientId, text: entry.text });
        });
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch (_error) {
          return;
        }
        this.onFrame(frame);
      });
      socket.addEventListener("close", (event) => {
        if (this.socket !== socket) {
          return;
        }
        this.socket = null;
        if (this.stopped) {
          return;
        }
        if (REFUSED[event.code]) {
          this.showConnection("refused");
          this.form.hidden = true;
          return;
        }
        this.showConnection("reconnecting");
        this.outage.hidden = false;
        window.setTimeout(() => this.connect(), this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, 10000);
      });
    }

    destroy() {
      this.stopped = true;
      if (this.socket) {
        this.socket.close(1000);
      }
    }

    send(frame) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(frame));
        return true;
      }
      return false;
    }

    onFrame(frame) {
      switch (frame.type) {
        case "hello":
          this.outage.hidden = true;
          this.applyConversation(frame.conversation);
          break;
        case "status":
          this.applyConversation(frame.conversation);
          break;
        case "history":
          frame.messages.forEach((message) => this.addMessage(message));
          if (frame.more) {
            this.send({ type: "sync", after_seq: this.contiguousSeq });
          }
          break;
        case "message":
        case "ack":
          if (frame.message.seq > this.contiguousSeq + 1) {
            this.send({ type: "sync", after_seq: this.contiguousSeq }); // a message was skipped: fetch it
          }
          this.addMessage(frame.message);
          break;
        case "typing":
          this.showTyping(frame.role, frame.typing);
          break;
        case "presence":
          this.peerOnline = frame.online;
          this.showPresence();
          break;
        case "agents_online":
          this.agentsOnline = frame.count;
          this.showPresence();
          break;
        case "queue":
          this.queuePlace = frame;
          this.showPresence();
          break;
        case "notes":
          frame.notes.forEach((note) => this.addNote(note));
          break;
        case "note":
          this.addNote(frame.note);
          break;
        case "replies":
          this.replies = frame.replies;
          break;
        case "error":
          this.showError(frame);
          break;
        default:
          break;
      }
    }

    applyConversation(conversation) {
      const before = this.status;
      this.status = conversation.status;
      this.root.dataset.status = conversation.status;
      const title = this.root.querySelector(".chat-title");
      if (title && !title.textContent.trim()) {
        title.textContent = format(this.text.customer_label, { name: conversation.customer.name });
      }
      if (conversation.status !== "waiting") {
        this.queuePlace = null;
      }
      if (conversation.status === "waiting") {
        this.statusLine.textContent = this.text.waiting;
      } else if (conversation.status === "active") {
        this.statusLine.textContent =
          this.role === "customer" && conversation.agent
            ? format(this.text.agent_label, { name: conversation.agent.name })
            : format(this.text.customer_label, { name: conversation.customer.name });
      } else {
        this.statusLine.textContent = this.text.closed;
        this.form.hidden = true;
        this.closeButton.hidden = true; // the agent's is in the header, outside the form
        this.typingLine.hidden = true;
        const dismiss = this.root.querySelector(".chat-dismiss");
        if (dismiss) {
          dismiss.hidden = false;
        }
      }
      this.showPresence();
      this.root.dispatchEvent(new CustomEvent("chat:status", { bubbles: true, detail: conversation }));
      if (before && before !== "closed" && conversation.status === "closed" && "reloadOnClose" in this.root.dataset) {
        window.location.reload(); // the page then offers the rating form
      }
    }

    renderMessage(message, mine) {
      const item = document.createElement("li");
      item.className = "chat-message" + (mine ? " mine" : "");
      const meta = document.createElement("div");
      meta.className = "chat-meta";
      const sender = document.createElement("span");
      sender.className = "chat-sender";
      sender.textContent = mine ? this.text.you : message.sender.name;
      const time = document.createElement("time");
      meta.append(sender, " ", time);
      item.append(meta, message.attachment ? this.renderAttachment(message.attachment) : this.renderText(message.text));
      this.fillTime(item, message);
      return item;
    }

    renderText(text) {
      const body = document.createElement("div");
      body.className = "chat-text";
      body.textContent = text;
      return body;
    }

    renderAttachment(file) {
      // A thumbnail for an image, a link for a PDF; the addresses are the server's, the name is text only.
      const box = document.createElement("div");
      box.className = "chat-attachment";
      const link = document.createElement("a");
      link.href = file.url;
      if (file.thumbnail_url) {
        link.target = "_blank";
        link.rel = "noopener";
        const image = document.createElement("img");
        image.className = "chat-thumb";
        image.src = file.thumbnail_url;
        image.alt = file.name;
        link.appendChild(image);
        box.appendChild(link);
      } else {
        const badge = document.createElement("span");
        badge.className = "badge text-bg-danger me-1";
        badge.textContent = "PDF";
        link.className = "chat-file-link";
        link.textContent = file.name;
        const size = document.createElement("span");
        size.className = "text-body-secondary small";
        size.textContent = " " + this.fileSize(file.size);
        box.append(badge, link, size);
      }
      return box;
    }

    fileSize(bytes) {
      if (bytes < 1048576) {
        return Math.max(1, Math.ceil(bytes / 1024)) + "\u00a0" + this.text.kilobytes;
      }
      return (bytes / 1048576).toFixed(1).replace(".", this.text.decimal_mark || ".") + "\u00a0" + this.text.megabytes;
    }

    upload(file) {
      // A file goes over HTTP (the socket carries text only); the stored message then arrives like any other.
      if (!file || !this.conversationId || this.status === "closed") {
        return;
      }
      if (file.size > 5 * 1048576) {
        this.showError({ message: this.text.file_too_large });
        return;
      }
      const body = new FormData();
      body.append("csrfmiddlewaretoken", this.form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append("client_id", newClientId());
      body.append("file", file);
      this.attachLabel.classList.add("disabled");
      window
        .fetch("/chat/" + this.conversationId + "/attachments/", { method: "POST", body: body, credentials: "same-origin" })
        .then((response) => response.json().catch(() => ({ error: { message: this.text.upload_failed } })))
        .then((answer) => {
          if (answer.message) {
            this.addMessage(answer.message);
          } else {
            this.showError(answer.error || { message: this.text.upload_failed });
          }
        })
        .catch(() => this.showError({ message: this.text.upload_failed }))
        .finally(() => {
          this.attachLabel.classList.remove("disabled");
          this.fileInput.value = "";
        });
    }

    addNote(note) {
      if (this.list.querySelector('[data-note="' + Number(note.id) + '"]')) {
        return;
      }
      const item = this.renderMessage({ text: note.text, sender: note.author, sent_at: note.created_at }, false);
      item.classList.add("chat-note");
      item.dataset.note = String(note.id);
      item.querySelector(".chat-sender").textContent = this.text.note + " · " + note.author.name;
      const later = Array.prototype.find.call(this.list.children, (other) => {
        const time = other.querySelector("time[datetime]");
        return time && time.dateTime > note.created_at;
      });
      this.list.insertBefore(item, later || null);
      this.scrollDown();
    }

    fillTime(item, message) {
      const time = item.querySelector("time");
      if (message.sent_at) {
        time.dateTime = message.sent_at;
        time.textContent = shortTime(message.sent_at);
      } else {
        time.textContent = this.text.sending;
      }
    }

    addMessage(message) {
      if (this.list.querySelector('[data-id="' + Number(message.id) + '"]')) {
        return;
      }
      const mine = message.sender.id === this.me;
      const pending = mine ? this.pending.get(message.client_id) : null;
      let item;
      if (pending) {
        item = pending.element;
        this.pending.delete(message.client_id);
        item.classList.remove("pending");
        this.fillTime(item, message);
      } else {
        item = this.renderMessage(message, mine);
      }
      item.dataset.id = String(message.id);
      item.dataset.seq = String(message.seq);
      this.insertInOrder(item, Number(message.id));
      this.noteSeq(Number(message.seq));
      if (!mine) {
        this.showTyping(message.sender.role, false);
      }
      this.root.dispatchEvent(new CustomEvent("chat:message", { bubbles: true, detail: { message: message, mine: mine } }));
      this.scrollDown();
    }

    noteSeq(seq) {
      this.seqs.add(seq);
      while (this.seqs.has(this.contiguousSeq + 1)) {
        this.seqs.delete(this.contiguousSeq + 1);
        this.contiguousSeq += 1;
      }
    }

    insertInOrder(item, id) {
      const later = Array.prototype.find.call(
        this.list.children,
        (other) => other !== item && (!other.dataset.id || Number(other.dataset.id) > id)
      );
      this.list.insertBefore(item, later || null);
    }

    sendMessage() {
      const text = this.input.value;
      if (!text.trim() || this.status === "closed") {
        return;
      }
      if (text.length > this.maxLength) {
        this.showError({ message: this.text.too_long });
        return;
      }
      if (this.mode === "note") {
        if (this.send({ type: "note", text: text })) {
          this.input.value = "";
        }
        return;
      }
      const clientId = newClientId();
      const element = this.renderMessage({ text: text, sender: { id: this.me } }, true);
      element.classList.add("pending");
      this.list.appendChild(element);
      this.pending.set(clientId, { text: text, element: element });
      if (!this.conversationId) {
        this.start();
      } else {
        this.send({ type: "message", client_id: clientId, text: text });
      }
      this.input.value = "";
      this.stopTyping();
      this.scrollDown();
    }

    noteTyping() {
      const now = Date.now();
      if (now - this.lastTypingSent > TYPING_SEND_EVERY_MS && this.send({ type: "typing", typing: true })) {
        this.lastTypingSent = now;
      }
      window.clearTimeout(this.typingIdleTimer);
      this.typingIdleTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    }

    stopTyping() {
      window.clearTimeout(this.typingIdleTimer);
      if (this.lastTypingSent) {
        this.lastTypingSent = 0;
        this.send({ type: "typing", typing: false });
      }
    }

    showTyping(role, typing) {
      window.clearTimeout(this.typingShownTimer);
      this.typingLine.hidden = !typing || this.status === "closed";
      if (typing) {
        this.typingLine.textContent = role === "agent" ? this.text.typing_agent : this.text.typing_customer;
        this.typingShownTimer = window.setTimeout(() => {
          this.typingLine.hidden = true;
        }, TYPING_SHOWN_MS);
      }
    }

    showPresence() {
      let line = "";
      if (this.status === "closed") {
        line = "";
      } else if (this.role === "customer" && this.status === "waiting") {
        const parts = [];
        if (this.agentsOnline !== null) {
          parts.push(this.agentsOnline ? format(this.text.agents_online, { count: this.agentsOnline }) : this.text.no_agents_online);
        }
        const place = this.queuePlace;
        if (place) {
          parts.push(place.position === 1 ? this.text.queue_next : format(this.text.queue_place, { position: place.position }));
          if (place.wait_seconds) {
            parts.push(format(this.text.queue_wait, { minutes: Math.max(1, Math.round(place.wait_seconds / 60)) }));
          }
        }
        line = parts.join(" ");
      } else if (this.role === "customer" && this.status === "active" && this.peerOnline !== null) {
        line = this.peerOnline ? this.text.agent_online : this.text.agent_offline;
      } else if (this.role === "agent" && this.peerOnline !== null) {
        line = this.peerOnline ? this.text.customer_online : this.text.customer_offline;
      }
      this.presenceLine.textContent = line;
    }

    showError(frame) {
      if (frame.code === "rate_limited" && frame.client_id && this.pending.has(frame.client_id)) {
        // Many messages resent after a reconnect can overrun the rate limit: send this one again shortly.
        const clientId = frame.client_id;
        window.setTimeout(() => {
          const entry = this.pending.get(clientId);
          if (entry) {
            this.send({ type: "message", client_id: clientId, text: entry.text });
          }
        }, 1000 + Math.random() * 2000);
        return;
      }
      if (frame.client_id && this.pending.has(frame.client_id)) {
        const entry = this.pending.get(frame.client_id);
        this.pending.delete(frame.client_id);
        entry.element.classList.remove("pending");
        entry.element.classList.add("failed");
      }
      this.errorLine.textContent = frame.message;
      this.errorLine.hidden = false;
      window.clearTimeout(this.errorTimer);
      this.errorTimer = window.setTimeout(() => {
        this.errorLine.hidden = true;
      }, 8000);
    }

    showConnection(state) {
      const text = {
        connecting: this.text.connecting,
        connected: this.text.connected,
        reconnecting: this.text.reconnecting,
        refused: this.text.closed,
      }[state];
      this.connection.textContent = text;
      this.connection.className =
        "badge chat-connection " + (state === "connected" ? "text-bg-success" : state === "reconnecting" ? "text-bg-danger" : "text-bg-secondary");
      this.root.dataset.connection = state;
    }

    scrollDown() {
      this.list.scrollTop = this.list.scrollHeight;
    }
  }

  window.ChatPanel = ChatPanel;
  document.querySelectorAll("[data-chat-panel]:not([data-deferred])").forEach((root) => {
    root.chatPanel = new ChatPanel(root);
  });
})();
