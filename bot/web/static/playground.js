// The sandbox playground: a VK-like dialog driven only through the sandbox's control API
// (/_emu/*, /_sandbox/*). No framework, no outside requests; served by the sandbox itself.
"use strict";

(function () {
  const play = document.getElementById("play");
  const chatPeer = Number(play.dataset.chatPeer);
  const messagesBox = document.getElementById("messages");
  const whoLine = document.getElementById("who");
  const clockStatus = document.getElementById("clock-status");
  const snackbar = document.getElementById("snackbar");
  const state = { me: null, name: "", peer: null, last: 0, polling: 0, busy: false };

  async function call(method, path, body) {
    const options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const data = await response.json();
    if (!response.ok) {
      throw new Error(data.error || response.statusText);
    }
    return data;
  }

  // What the visitor wrote: the emulator logs only the bot's messages, so the page keeps
  // the visitor's own for as long as the tab lives.
  function mine(peer) {
    return JSON.parse(sessionStorage.getItem("mine:" + state.me + ":" + peer) || "[]");
  }

  function bubble(cls, who, text) {
    const div = document.createElement("div");
    div.className = "msg " + cls;
    if (who) {
      const name = document.createElement("span");
      name.className = "who";
      name.textContent = who;
      div.appendChild(name);
    }
    div.appendChild(mentions(text));
    messagesBox.appendChild(div);
    return div;
  }

  // "[id123|Имя]" is how the bot mentions someone; VK shows the name as a link.
  function mentions(text) {
    const body = document.createElement("span");
    const pattern = /\[id(\d+)\|([^\]]+)\]/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      body.appendChild(document.createTextNode(text.slice(last, match.index)));
      const name = document.createElement("a");
      name.className = "mention";
      name.title = "id" + match[1];
      name.textContent = match[2];
      body.appendChild(name);
      last = pattern.lastIndex;
    }
    body.appendChild(document.createTextNode(text.slice(last)));
    return body;
  }

  function showMine(text) {
    bubble("me", state.name, text);
  }

  function attachment(div, ref) {
    const url = "/_emu/files/" + encodeURIComponent(ref);
    if (ref.startsWith("photo")) {
      const img = document.createElement("img");
      img.src = url;
      img.alt = "изображение";
      div.appendChild(img);
    } else {
      const link = document.createElement("a");
      link.className = "doc";
      link.href = url;
      link.textContent = "📎 Скачать файл";
      div.appendChild(link);
    }
  }

  function keyboard(div, item) {
    const rows = (item.keyboard && item.keyboard.buttons) || [];
    if (!rows.length) {
      return;
    }
    const box = document.createElement("div");
    box.className = "kbd";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const action = button.action || {};
        if (!action.label) {
          continue;
        }
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = action.label;
        if (button.color) {
          b.classList.add(button.color);
        }
        b.addEventListener("click", function () {
          press(item, action);
        });
        line.appendChild(b);
      }
      box.appendChild(line);
    }
    div.appendChild(box);
  }

  function showBot(item) {
    const div = bubble("bot", "Свод", item.text || "");
    for (const ref of item.attachments || []) {
      attachment(div, ref);
    }
    keyboard(div, item);
    const when = document.createElement("span");
    when.className = "when";
    when.textContent = new Date(item.date * 1000).toLocaleString("ru-RU", {
      timeZone: "Europe/Moscow", weekday: "short", day: "2-digit", month: "2-digit",
      hour: "2-digit", minute: "2-digit",
    });
    div.appendChild(when);
  }

  function scrollDown() {
    messagesBox.scrollTop = messagesBox.scrollHeight;
  }

  async function load() {
    messagesBox.textContent = "";
    state.last = 0;
    if (state.me === null) {
      return;
    }
    const data = await call("GET", "/_emu/sent?peer_id=" + state.peer);
    const own = mine(state.peer);
    const events = data.items.map(function (item) {
      return { at: item.date * 1000, item: item };
    });
    // The visitor's messages by the sandbox's time they were sent at.
    for (const entry of own) {
      events.push({ at: entry.clock || 0, text: entry.text, order: entry.at });
    }
    events.sort(function (a, b) { return a.at - b.at || (a.order || 0) - (b.order || 0); });
    for (const event of events) {
      if (event.item) {
        showBot(event.item);
        state.last = Math.max(state.last, event.item.id);
      } else {
        showMine(event.text);
      }
    }
    scrollDown();
  }

  async function poll(generation) {
    while (generation === state.polling) {
      try {
        const data = await call(
          "GET", "/_emu/sent?peer_id=" + state.peer + "&after=" + state.last + "&wait=10");
        if (generation !== state.polling) {
          return;
        }
        for (const item of data.items) {
          showBot(item);
          state.last = Math.max(state.last, item.id);
        }
        if (data.items.length) {
          scrollDown();
        }
      } catch (error) {
        await new Promise(function (resolve) { setTimeout(resolve, 2000); });
      }
    }
  }

  async function restart() {
    state.polling += 1;
    await load();
    poll(state.polling);
  }

  async function say(text, payload) {
    if (state.me === null) {
      whoLine.textContent = "Сначала выберите, от чьего имени писать.";
      return;
    }
    const body = { from_id: state.me, peer_id: state.peer, text: text };
    if (payload !== undefined) {
      body.payload = payload;
    }
    const clock = await call("GET", "/_sandbox/clock");
    const list = mine(state.peer);
    list.push({ text: text, at: Date.now(), clock: Date.parse(clock.now) });
    sessionStorage.setItem("mine:" + state.me + ":" + state.peer, JSON.stringify(list));
    showMine(text);
    scrollDown();
    await call("POST", "/_emu/messages", body);
  }

  function snack(text) {
    snackbar.textContent = text;
    snackbar.classList.add("shown");
    setTimeout(function () { snackbar.classList.remove("shown"); }, 4000);
  }

  async function snackbarOf(eventId) {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const calls = await call("GET", "/_emu/calls?method=messages.sendMessageEventAnswer");
      const answered = calls.items.find(function (c) { return c.params.event_id === eventId; });
      if (answered) {
        const data = answered.params.event_data ? JSON.parse(answered.params.event_data) : {};
        if (data.text) {
          snack(data.text);
        }
        return;
      }
      await new Promise(function (resolve) { setTimeout(resolve, 250); });
    }
  }

  async function press(item, action) {
    if (state.me === null) {
      whoLine.textContent = "Сначала выберите, от чьего имени писать.";
      return;
    }
    if (action.type === "callback") {
      const pressed = await call("POST", "/_emu/events", {
        user_id: state.me, peer_id: state.peer, payload: action.payload,
        conversation_message_id: item.conversation_message_id,
      });
      await snackbarOf(pressed.event_id);
    } else if (action.type === "open_link") {
      window.open(action.link, "_blank", "noopener");
    } else {
      await say(action.label, action.payload);
    }
  }

  function choose(button) {
    for (const other of document.querySelectorAll("#people button")) {
      other.classList.toggle("active", other === button);
    }
    state.me = Number(button.dataset.vkId);
    state.name = button.dataset.first + " " + button.dataset.last;
    whoLine.textContent = "Вы пишете как " + state.name + ".";
    return call("POST", "/_emu/users", {
      id: state.me, first_name: button.dataset.first, last_name: button.dataset.last,
    });
  }

  function tab(toChat) {
    document.getElementById("tab-dialog").classList.toggle("active", !toChat);
    document.getElementById("tab-chat").classList.toggle("active", toChat);
    state.peer = toChat ? chatPeer : state.me;
    restart();
  }

  async function refreshClock() {
    const data = await call("GET", "/_sandbox/upcoming");
    document.getElementById("now").textContent = data.now_label;
    const list = document.getElementById("upcoming");
    list.textContent = "";
    for (const item of data.items) {
      const li = document.createElement("li");
      li.textContent = item.when + " — " + item.what + " (" + item.district + ")";
      list.appendChild(li);
    }
    if (!data.items.length) {
      const li = document.createElement("li");
      li.textContent = "Пока ничего: начните с демо-района.";
      list.appendChild(li);
    }
    return data;
  }

  async function moveClock(body) {
    if (state.busy) {
      return;
    }
    state.busy = true;
    clockStatus.textContent = "Время идёт: бот делает всё, что положено к этому часу…";
    try {
      await call("POST", "/_sandbox/clock", body);
      clockStatus.textContent = "";
    } catch (error) {
      clockStatus.textContent = "Не получилось: " + error.message;
    } finally {
      state.busy = false;
    }
    await refreshClock();
  }

  async function target(name) {
    const data = await refreshClock();
    await moveClock({ now: data[name] });
  }

  document.getElementById("plus-hour").addEventListener("click", function () {
    moveClock({ advance_s: 3600 });
  });
  document.getElementById("next-monday").addEventListener("click", function () {
    target("next_monday");
  });
  document.getElementById("friday").addEventListener("click", function () {
    target("friday");
  });
  document.getElementById("start-demo").addEventListener("click", async function () {
    clockStatus.textContent = "Загружаю демо-район: 12 школ, руководители подключаются…";
    const started = await call("POST", "/_sandbox/demo");
    clockStatus.textContent = started.created
      ? "Демо-район готов: выберите руководителя и перейдите к понедельнику 09:00."
      : "Демо-район уже загружен.";
    await refreshClock();
  });
  for (const button of document.querySelectorAll("#people button")) {
    button.addEventListener("click", function () {
      choose(button).then(function () { tab(false); });
    });
  }
  document.getElementById("tab-dialog").addEventListener("click", function () { tab(false); });
  document.getElementById("tab-chat").addEventListener("click", function () { tab(true); });
  const text = document.getElementById("text");
  document.getElementById("compose").addEventListener("submit", function (event) {
    event.preventDefault();
    const value = text.value.trim();
    if (value) {
      text.value = "";
      say(value);
    }
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      document.getElementById("compose").requestSubmit();
    }
  });
  refreshClock();
})();
