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
  const availability = desk.querySelector(".desk-availability");
  const notify = desk.querySelector(".desk-notify");
  const contextBody = desk.querySelector(".desk-context-body");
  const baseTitle = document.title;
  let selected = null;
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

  function waited(iso) {
    const minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
    return minutes < 1 ? text.waiting_now : format(text.waiting_for, { minutes: minutes });
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, (_match, key) => String(values[key]));
  }

  function summary(conversation, queued) {
    const wrapper = document.createElement("div");
    wrapper.className = "me-auto min-w-0";
    const title = document.createElement("div");
    title.className = "fw-semibold d-flex justify-content-between gap-2";
    const name = document.createElement("span");
    name.textContent = conversation.customer.name;
    title.append(name);
    if (queued) {
      const wait = document.createElement("small");
      wait.className = "desk-wait text-nowrap";
      wait.dataset.since = conversation.created_at;
      title.append(wait);
    }
    const preview = document.createElement("small");
    preview.className = "desk-preview text-body-secondary";
    preview.textContent = conversation.first_message || conversation.topic || text.no_topic;
    const when = document.createElement("small");
    when.className = "text-body-secondary d-block";
    when.textContent = since(conversation.created_at);
    wrapper.append(title, preview);
    if (!queued) {
      wrapper.append(when);
    }
    return wrapper;
  }

  function refreshWaits() {
    queueList.querySelectorAll(".desk-wait").forEach((element) => {
      const minutes = (Date.now() - new Date(element.dataset.since).getTime()) / 60000;
      element.textContent = waited(element.dataset.since);
      element.className = "desk-wait text-nowrap " + (minutes >= 10 ? "text-danger fw-semibold" : minutes >= 5 ? "text-warning-emphasis" : "text-body-secondary");
    });
  }

  function alertAgent(message) {
    if (!notify.checked) {
      return;
    }
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.15, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (_error) {
      // no sound on this browser: the notification and the title still tell
    }
    if (document.hidden && "Notification" in window && window.Notification.permission === "granted") {
      new window.Notification(message);
    }
  }

  notify.checked = window.localStorage.getItem("chat-desk-notify") === "1";
  notify.addEventListener("change", () => {
    window.localStorage.setItem("chat-desk-notify", notify.checked ? "1" : "0");
    if (notify.checked && "Notification" in window && window.Notification.permission === "default") {
      window.Notification.requestPermission();
    }
  });
  availability.addEventListener("change", () => send({ type: "availability", availability: availability.value }));

  function refreshEmpty() {
    queueEmpty.hidden = queueList.children.length > 0;
    queueCount.textContent = String(queueList.children.length);
    document.title = (queueList.children.length ? "(" + queueList.children.length + ") " : "") + baseTitle;
    refreshWaits();
    mineEmpty.hidden = mineList.children.length > 0;
    panelsEmpty.hidden = panels.children.length > 0;
  }

  function removeFrom(list, id) {
    const item = list.querySelector('[data-conversation="' + Number(id) + '"]');
    if (item) {
      item.remove();
    }
    return Boolean(item);
  }

  function upsertQueued(conversation) {
    const known = removeFrom(queueList, conversation.id);
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
    item.append(summary(conversation, true), claim);
    const later = Array.prototype.find.call(queueList.children, (other) => Number(other.dataset.conversation) > conversation.id);
    queueList.insertBefore(item, later || null);
    return known;
  }

  function upsertMine(conversation) {
    removeFrom(mineList, conversation.id);
    const item = document.createElement("li");
    item.className = "list-group-item list-group-item-action d-flex align-items-center gap-2";
    item.dataset.conversation = String(conversation.id);
    item.tabIndex = 0;
    item.setAttribute("role", "button");
    item.append(summary(conversation, false));
    item.addEventListener("click", () => select(conversation.id));
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(conversation.id);
      }
    });
    mineList.appendChild(item);
    ensurePanel(conversation);
    if (selected === null || selected === conversation.id) {
      select(conversation.id);
    }
  }

  function panelOf(id) {
    const root = panels.querySelector('[data-chat-panel][data-conversation-id="' + Number(id) + '"]');
    return root ? root.closest(".desk-panel") : null;
  }

  function select(id) {
    selected = id;
    panels.querySelectorAll(".desk-panel").forEach((column) => column.classList.remove("selected"));
    mineList.querySelectorAll(".list-group-item").forEach((item) => item.classList.toggle("selected", Number(item.dataset.conversation) === id));
    const column = panelOf(id);
    if (column) {
      column.classList.add("selected");
    }
    loadContext(id);
  }

  function loadContext(id) {
    const url = desk.dataset.contextUrl.replace("/0/", "/" + Number(id) + "/");
    window
      .fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        if (selected === id) {
          contextBody.innerHTML = html; // rendered and escaped by the server's template
        }
      });
  }

  function dropPanel(id) {
    const column = panelOf(id);
    if (column) {
      column.querySelector("[data-chat-panel]").chatPanel.destroy();
      column.remove();
    }
    if (selected === id) {
      selected = null;
      contextBody.replaceChildren();
      const next = mineList.querySelector(".list-group-item");
      if (next) {
        select(Number(next.dataset.conversation));
      }
    }
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
      dropPanel(conversation.id);
      refreshEmpty();
    });
    const transferForm = root.querySelector(".chat-transfer-form");
    root.querySelector(".chat-transfer").addEventListener("click", () => {
      transferForm.hidden = !transferForm.hidden;
      if (!transferForm.hidden) {
        transferFor = transferForm;
        send({ type: "agents" });
      }
    });
    transferForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const to = transferForm.querySelector(".chat-transfer-to").value;
      send({
        type: "transfer",
        conversation: conversation.id,
        to: to ? Number(to) : null,
        note: transferForm.querySelector(".chat-transfer-note").value,
      });
      transferForm.hidden = true;
    });
    panels.appendChild(column);
    root.chatPanel = new window.ChatPanel(root);
  }

  let transferFor = null;

  function fillTransferTargets(agents) {
    if (!transferFor) {
      return;
    }
    const select = transferFor.querySelector(".chat-transfer-to");
    const queue = document.createElement("option");
    queue.value = "";
    queue.textContent = text.to_queue;
    select.replaceChildren(queue);
    agents.forEach((agent) => {
      const option = document.createElement("option");
      option.value = String(agent.id);
      option.textContent = agent.name + " (" + text["availability_" + agent.availability] + ", " + agent.open + ")";
      select.appendChild(option);
    });
  }

  function apply(conversation) {
    const wasQueued = removeFrom(queueList, conversation.id);
    const wasMine = removeFrom(mineList, conversation.id);
    if (conversation.status === "waiting") {
      upsertQueued(conversation);
      if (!wasQueued) {
        alertAgent(format(text.new_customer, { name: conversation.customer.name }));
      }
    } else if (conversation.status === "active" && conversation.agent && conversation.agent.id === me) {
      upsertMine(conversation);
      if (!wasMine) {
        alertAgent(format(text.new_customer, { name: conversation.customer.name }));
      }
    } else if (conversation.status === "active" && wasMine) {
      dropPanel(conversation.id); // handed to a colleague
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
      availability.value = frame.availability;
      refreshEmpty();
    } else if (frame.type === "availability") {
      availability.value = frame.availability;
    } else if (frame.type === "agents") {
      fillTransferTargets(frame.agents);
    } else if (frame.type === "transferred") {
      apply(frame.conversation);
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

  window.setInterval(refreshWaits, 30000);
  connect();
})();
