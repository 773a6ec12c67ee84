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
  let openWhenReady = false; // a click on the button before the widget has loaded its words

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

  function field(form, name, label, control) {
    const wrapper = document.createElement("div");
    wrapper.className = "mb-2";
    const caption = document.createElement("label");
    caption.className = "form-label small mb-0";
    caption.htmlFor = "chat-offline-" + name;
    caption.textContent = label;
    control.id = "chat-offline-" + name;
    control.name = name;
    control.required = true;
    control.className = "form-control form-control-sm";
    wrapper.append(caption, control);
    form.appendChild(wrapper);
    return control;
  }

  function offerOfflineForm(answer) {
    // Outside business hours: instead of the live input, a form whose message is answered later, by e-mail too.
    const liveForm = root.querySelector(".chat-form");
    const list = root.querySelector(".chat-messages");
    liveForm.hidden = true;
    list.hidden = true;
    const form = document.createElement("form");
    form.className = "chat-offline";
    const title = document.createElement("p");
    title.className = "fw-semibold mb-1";
    title.textContent = text.offline_title;
    const intro = document.createElement("p");
    intro.className = "small mb-2";
    intro.textContent = text.offline_intro + (answer.hours.next_opening ? " " + text.offline_next.replace("%(when)s", answer.hours.next_opening) : "");
    form.append(title, intro);
    const name = field(form, "name", text.offline_name, document.createElement("input"));
    name.maxLength = 150;
    name.autocomplete = "name";
    name.value = answer.prefill.name || "";
    const email = field(form, "email", text.offline_email, document.createElement("input"));
    email.type = "email";
    email.maxLength = 254;
    email.autocomplete = "email";
    email.value = answer.prefill.email || "";
    const message = field(form, "text", text.offline_text, document.createElement("textarea"));
    message.rows = 3;
    message.maxLength = Number(root.dataset.maxLength) || 4000;
    const problem = document.createElement("div");
    problem.className = "alert alert-warning py-1 small mb-2";
    problem.setAttribute("role", "alert");
    problem.hidden = true;
    const send = document.createElement("button");
    send.type = "submit";
    send.className = "btn btn-primary btn-sm w-100";
    send.textContent = text.offline_send;
    form.append(problem, send);
    liveForm.parentElement.insertBefore(form, liveForm);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = new FormData(form);
      body.append("csrfmiddlewaretoken", widget.querySelector("[name=csrfmiddlewaretoken]").value);
      send.disabled = true;
      window
        .fetch(widget.dataset.offlineUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then((response) => response.json())
        .then((result) => {
          send.disabled = false;
          if (!result.conversation) {
            problem.textContent = (result.error || {}).message || text.reconnecting;
            problem.hidden = false;
            return;
          }
          const thanks = document.createElement("p");
          thanks.className = "alert alert-success small mx-3 mb-2 py-1 chat-offline-sent";
          thanks.textContent = text.offline_sent.replace("%(email)s", result.email);
          form.replaceWith(thanks);
          window.setTimeout(() => thanks.remove(), 15000); // the conversation below says the rest
          list.hidden = false;
          liveForm.hidden = false;
          root.chatPanel.resume(result.conversation);
        })
        .catch(() => {
          send.disabled = false;
          problem.textContent = text.reconnecting;
          problem.hidden = false;
        });
    });
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
    } else {
      openWhenReady = !openWhenReady;
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
      } else if (!answer.hours.open) {
        offerOfflineForm(answer);
      }
      if (openWhenReady) {
        open(true);
      }
    })
    .catch(() => {
      widget.hidden = true; // the chat cannot be reached now; the page works without it
    });
  widget.querySelector(".chat-widget-close").addEventListener("click", () => open(false));
})();
