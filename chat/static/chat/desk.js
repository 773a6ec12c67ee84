/* The agent's desk: the live queue and the agent's own conversations, each open in a ChatPanel.
 * Fed by the desk websocket (docs/chat-protocol.md); text goes on the page with textContent only. */
(function () {
  "use strict";

  const desk = document.getElementById("chat-desk");
  if (!desk) {
    return;
  }
  const text = JSON.parse(document.getElementById("chat-labels").textContent);
  const me = Number(desk.dataset.me);
  const queueList = desk.querySelector(".desk-queue");
  const queueEmpty = desk.querySelector(".desk-queue-empty");
  const queueCount = desk.querySelector(".desk-queue-count");
  const mineList = desk.querySelector(".desk-mine");
  const mineEmpty = desk.querySelector(".desk-mine-empty");
  const panels = desk.querySelector(".desk-panels");
  const panelsEmpty = desk.querySelector(".desk-panels-empty");
  const errorLine = desk.querySelector(".desk-error");
  const connection = desk.querySelector(".desk-connection");
  const outage = desk.querySelector(".desk-outage");
  const template = document.getElementById("chat-panel-template");
  let socket = null;
  let retryDelay = 500;
  let errorTimer = null;

  function socketUrl(path) {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  }

  function since(iso) {
    const when = new Date(iso);
    return Number.isNaN(when.getTime())
      ? ""
      : when.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function summary(conversation) {
    const wrapper = document.createElement("div");
    wrapper.className = "me-auto";
    const title = document.createElement("div");
    title.className = "fw-semibold";
    title.textContent = conversation.topic || text.no_topic;
    const who = document.createElement("small");
    who.className = "text-body-secondary";
    who.textContent = conversation.customer.name + " · " + since(conversation.created_at);
    wrapper.append(title, who);
    return wrapper;
  }

  function refreshEmpty() {
    queueEmpty.hidden = queueList.children.length > 0;
    queueCount.textContent = String(queueList.children.length);
    mineEmpty.hidden = mineList.children.length > 0;
    panelsEmpty.hidden = panels.children.length > 0;
  }

  function removeFrom(list, id) {
    const item = list.querySelector('[data-conversation="' + Number(id) + '"]');
    if (item) {
      item.remove();
    }
  }

  function upsertQueued(conversation) {
    removeFrom(queueList, conversation.id);
    const item = document.createElement("li");
    item.className = "list-group-item d-flex align-items-center gap-2";
    item.dataset.conversation = String(conversation.id);
    const claim = document.createElement("button");
    claim.type = "button";
    claim.className = "btn btn-sm btn-primary desk-claim";
    claim.textContent = text.claim;
    claim.addEventListener("click", () => {
      claim.disabled = true;
      send({ type: "claim", conversation: conversation.id });
    });
    item.append(summary(conversation), claim);
    const later = Array.prototype.find.call(queueList.children, (other) => Number(other.dataset.conversation) > conversation.id);
    queueList.insertBefore(item, later || null);
  }

  function upsertMine(conversation) {
    removeFrom(mineList, conversation.id);
    const item = document.createElement("li");
    item.className = "list-group-item d-flex align-items-center gap-2";
    item.dataset.conversation = String(conversation.id);
    const open = document.createElement("a");
    open.className = "btn btn-sm btn-outline-secondary";
    open.href = "/chat/agent/" + conversation.id + "/";
    open.textContent = text.open;
    item.append(summary(conversation), open);
    mineList.appendChild(item);
    ensurePanel(conversation);
  }

  function ensurePanel(conversation) {
    if (panels.querySelector('[data-chat-panel][data-conversation-id="' + Number(conversation.id) + '"]')) {
      return;
    }
    const column = template.content.firstElementChild.cloneNode(true);
    const root = column.querySelector("[data-chat-panel]");
    root.dataset.conversationId = String(conversation.id);
    root.dataset.status = conversation.status;
    const input = root.querySelector(".chat-input");
    input.id = "chat-input-" + conversation.id;
    root.querySelector("label[for]").htmlFor = input.id;
    root.querySelector(".chat-dismiss").addEventListener("click", () => {
      root.chatPanel.destroy();
      column.remove();
      refreshEmpty();
    });
    panels.appendChild(column);
    root.chatPanel = new window.ChatPanel(root);
  }

  function apply(conversation) {
    removeFrom(queueList, conversation.id);
    removeFrom(mineList, conversation.id);
    if (conversation.status === "waiting") {
      upsertQueued(conversation);
    } else if (conversation.status === "active" && conversation.agent && conversation.agent.id === me) {
      upsertMine(conversation);
    }
    refreshEmpty();
  }

  function showError(message) {
    errorLine.textContent = message;
    errorLine.hidden = false;
    window.clearTimeout(errorTimer);
    errorTimer = window.setTimeout(() => {
      errorLine.hidden = true;
    }, 8000);
  }

  function onFrame(frame) {
    if (frame.type === "desk") {
      outage.hidden = true; // the queue as it is now, including conversations started while we were away
      queueList.replaceChildren();
      mineList.replaceChildren();
      frame.queue.forEach(upsertQueued);
      frame.mine.forEach(upsertMine);
      refreshEmpty();
    } else if (frame.type === "conversation" || frame.type === "claimed") {
      apply(frame.conversation);
    } else if (frame.type === "error") {
      showError(frame.message);
      queueList.querySelectorAll(".desk-claim").forEach((button) => {
        button.disabled = false;
      });
    }
  }

  function showConnection(state) {
    connection.textContent = { connecting: text.connecting, connected: text.connected, reconnecting: text.reconnecting, refused: text.closed }[state];
    connection.className =
      "badge desk-connection " + (state === "connected" ? "text-bg-success" : state === "reconnecting" ? "text-bg-danger" : "text-bg-secondary");
    desk.dataset.connection = state;
  }

  function connect() {
    showConnection("connecting");
    const current = new WebSocket(socketUrl("/ws/chat/agent/"));
    socket = current;
    current.addEventListener("open", () => {
      retryDelay = 500;
      showConnection("connected");
    });
    current.addEventListener("message", (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch (error) {
        window.console.error(error);
      }
    });
    current.addEventListener("close", (event) => {
      if (socket !== current) {
        return;
      }
      socket = null;
      if (event.code === 4401 || event.code === 4403) {
        showConnection("refused");
        return;
      }
      showConnection("reconnecting");
      outage.hidden = false;
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  connect();
})();
