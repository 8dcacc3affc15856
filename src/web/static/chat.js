/* global document, fetch, URL */
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
 * Choices come back when several procedures match. Clicking one asks the same question again
 * with the chosen procedure's code added ("phí làm hộ chiếu? (mã 1.001456)"): the assistant
 * answers a code in the question directly, and the original wording keeps what was asked
 * (fee, documents…). Without a code, the procedure's name is asked.
 */
function addChoices(bubble, choices, question) {
  const group = document.createElement("div");
  group.className = "choices";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Chọn thủ tục");
  for (const choice of choices) {
    if (!choice || typeof choice.name !== "string") continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "choice";
    button.textContent = choice.name;
    if (typeof choice.code === "string" && choice.code) {
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = `Mã ${choice.code}${choice.level ? ` · ${choice.level}` : ""}`;
      button.append(code);
    }
    const followUp =
      typeof choice.code === "string" && choice.code
        ? `${question} (mã ${choice.code})`
        : choice.name;
    button.addEventListener("click", () => ask(followUp));
    group.append(button);
  }
  bubble.append(group);
}

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

async function ask(question) {
  const text = question.trim();
  if (!text || busy) return;
  addMessage("user", text);
  const pending = addMessage("pending", "Đang tìm câu trả lời…");
  setBusy(true);
  try {
    const response = await fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question: text }),
    });
    pending.item.remove();
    if (!response.ok) {
      addMessage("error", await errorMessage(response));
      return;
    }
    const result = await response.json();
    const answer = typeof result.answer === "string" && result.answer ? result.answer : "…";
    const { bubble } = addMessage("bot", answer);
    if (Array.isArray(result.choices) && result.choices.length > 0) {
      addChoices(bubble, result.choices, text);
    }
  } catch {
    pending.item.remove();
    addMessage("error", "Không kết nối được máy chủ. Bạn kiểm tra mạng rồi thử lại nhé.");
  } finally {
    setBusy(false);
    input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value;
  if (!question.trim() || busy) return;
  input.value = "";
  void ask(question);
});

for (const chip of chips) {
  chip.addEventListener("click", () => ask(chip.textContent || ""));
}

input.focus();
