/* global document, fetch, URL, crypto, localStorage, setInterval */
// motcua web chat. Answer text is rendered with text nodes only (never innerHTML): URLs become
// <a> elements built with the DOM API, and only http(s) URLs are linked.

const form = document.getElementById("ask-form");
const input = document.getElementById("question");
const sendButton = document.getElementById("send");
const list = document.getElementById("messages");
const chips = document.querySelectorAll(".chip");

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}»”’]+$/;
const GENERIC_ERROR =
  "Xin lỗi, hệ thống đang bận. Bạn vui lòng thử lại sau hoặc gọi Tổng đài 1022.";

const SESSION_KEY = "motcua.session";
const INBOX_EVERY_MS = 60_000;

let busy = false;

/** Appends text to `parent`, turning http(s) URLs into links. Line breaks are kept by CSS. */
function appendLinkified(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = TRAILING_PUNCTUATION.exec(url);
    if (trailing) url = url.slice(0, url.length - trailing[0].length);
    const start = match.index;
    parent.append(document.createTextNode(text.slice(last, start)));
    let href = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") href = parsed.href;
    } catch {
      href = null;
    }
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = url;
      parent.append(a);
    } else {
      parent.append(document.createTextNode(url));
    }
    last = start + url.length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

function addMessage(kind, text) {
  const item = document.createElement("li");
  item.className = `msg ${kind}`;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (kind === "bot") appendLinkified(bubble, text);
  else bubble.textContent = text;
  item.append(bubble);
  list.append(item);
  item.scrollIntoView({ block: "end" });
  return { item, bubble };
}

/**
 * Buttons come with the dialogue's messages, in rows: choices of procedure, 👍/👎, "Gửi / Sửa /
 * Hủy"… A click sends the button's action (never text) and shows its label as the user's turn;
 * the buttons of that message are then disabled, so a double click sends once.
 */
function addButtons(bubble, rows) {
  const group = document.createElement("div");
  group.className = "choices";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Lựa chọn");
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const line = document.createElement("div");
    line.className = "choice-row";
    for (const b of row) {
      if (!b || typeof b.label !== "string" || typeof b.action !== "string") continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = b.label;
      button.addEventListener("click", () => {
        if (busy) return;
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        void send({ action: b.action }, b.label);
      });
      line.append(button);
    }
    if (line.childElementCount > 0) group.append(line);
  }
  if (group.childElementCount > 0) bubble.append(group);
}

function showMessages(messages) {
  if (!Array.isArray(messages)) return;
  for (const m of messages) {
    if (!m || typeof m.text !== "string" || !m.text) continue;
    const { bubble } = addMessage("bot", m.text);
    if (Array.isArray(m.buttons) && m.buttons.length > 0) addButtons(bubble, m.buttons);
  }
}

/** A random id kept in localStorage: the server only stores a hash of it. */
function sessionId() {
  const fresh = () =>
    typeof crypto.randomUUID === "function"
      ? crypto.randomUUID()
      : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
          b.toString(16).padStart(2, "0"),
        ).join("");
  try {
    let id = localStorage.getItem(SESSION_KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
      id = fresh();
      localStorage.setItem(SESSION_KEY, id);
    }
    return id;
  } catch {
    // Storage blocked: a session for this page only.
    return fresh();
  }
}

const session = sessionId();

async function errorMessage(response) {
  try {
    const body = await response.json();
    const message = body && body.error && body.error.message;
    if (response.status < 500 && typeof message === "string") {
      // Show the Vietnamese half of the server's "vi / en" message.
      return message.split(" / ")[0];
    }
  } catch {
    // not JSON: fall through
  }
  return GENERIC_ERROR;
}

function setBusy(value) {
  busy = value;
  sendButton.disabled = value;
  for (const chip of chips) chip.disabled = value;
  list.setAttribute("aria-busy", String(value));
}

/** Sends a typed text ({ text }) or a button press ({ action }); `shown` is the user's bubble. */
async function send(payload, shown) {
  if (busy) return;
  addMessage("user", shown);
  const pending = addMessage("pending", "Đang tìm câu trả lời…");
  setBusy(true);
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ session, ...payload }),
    });
    pending.item.remove();
    if (!response.ok) {
      addMessage("error", await errorMessage(response));
      return;
    }
    const result = await response.json();
    showMessages(result && result.messages);
  } catch {
    pending.item.remove();
    addMessage("error", "Không kết nối được máy chủ. Bạn kiểm tra mạng rồi thử lại nhé.");
  } finally {
    setBusy(false);
    input.focus();
  }
}

function ask(question) {
  const text = question.trim();
  if (!text || busy) return;
  void send({ text }, text);
}

/** Notifications (PAKN status changes) waiting for this session. */
async function checkInbox() {
  if (busy) return;
  try {
    const response = await fetch(`/api/chat/inbox?session=${encodeURIComponent(session)}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const result = await response.json();
    showMessages(result && result.messages);
  } catch {
    // offline: try again later
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value;
  if (!question.trim() || busy) return;
  input.value = "";
  ask(question);
});

for (const chip of chips) {
  chip.addEventListener("click", () => ask(chip.textContent || ""));
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") void checkInbox();
});
setInterval(() => {
  if (document.visibilityState === "visible") void checkInbox();
}, INBOX_EVERY_MS);
void checkInbox();
input.focus();
