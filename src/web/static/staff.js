/* global document, fetch, setInterval, clearInterval */
// The hotline staff console: log in with a staff token (HttpOnly session cookie), list waiting and
// assigned tickets with summaries and transcripts, claim, reply, close. Text is only ever set with
// textContent: nothing a citizen writes becomes markup.
const $ = (id) => document.getElementById(id);
const REFRESH_MS = 5000;
let timer = null;

async function api(path, body) {
  const res = await fetch(`/staff/api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) showLogin();
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function showLogin() {
  clearInterval(timer);
  $("login").hidden = false;
  $("console").hidden = true;
  $("logout").hidden = true;
  $("refresh").hidden = true;
  $("who").textContent = "";
}

function showConsole(officer) {
  $("login").hidden = true;
  $("console").hidden = false;
  $("logout").hidden = false;
  $("refresh").hidden = false;
  $("who").textContent = officer;
  clearInterval(timer);
  timer = setInterval(() => void load(), REFRESH_MS);
}

const STATUS = { waiting: "đang chờ", assigned: "đang xử lý" };
const CHANNEL = { web: "Web", telegram: "Telegram", zalo: "Zalo" };

function ticketView(t) {
  const transcript = el(
    "ol",
    { class: "transcript" },
    t.transcript.map((l) => el("li", { class: l.author, text: l.text })),
  );
  const actions = el("div", { class: "actions" });
  if (t.status === "waiting") {
    const claim = el("button", { type: "button", class: "claim", text: "Nhận" });
    claim.addEventListener("click", () => void act(t.id, "claim", {}));
    actions.append(claim);
  }
  if (t.status === "waiting" || t.mine) {
    const box = el("textarea", { class: "reply-text", "aria-label": `Trả lời phiếu ${t.id}` });
    const send = el("button", { type: "button", class: "reply", text: "Gửi" });
    send.addEventListener("click", () => {
      const text = box.value.trim();
      if (text) void act(t.id, "reply", { text }).then((ok) => ok && (box.value = ""));
    });
    const close = el("button", { type: "button", class: "close", text: "Kết thúc, trả cho bot" });
    close.addEventListener("click", () => void act(t.id, "close", {}));
    actions.append(box, send, close);
  }
  const who = t.assignee ? ` · ${t.assignee}` : "";
  return el("li", { class: "ticket", "data-id": String(t.id) }, [
    el("h3", {
      text: `#${t.id} · ${CHANNEL[t.channel] ?? t.channel} · ${STATUS[t.status] ?? t.status}${who}`,
    }),
    el("div", { class: "summary", text: t.summary }),
    transcript,
    actions,
  ]);
}

function reportRows(report) {
  const num = (x) => (x === null ? "–" : String(x));
  const rows = [...report.byOfficer, ...report.byDay].map((r) =>
    el(
      "tr",
      {},
      [r.key, r.tickets, r.avgFirstResponseMin, r.avgCloseMin, r.avgRating].map((v, i) =>
        el("td", { text: i === 0 ? String(v) : num(v) }),
      ),
    ),
  );
  $("report")
    .querySelector("tbody")
    .replaceChildren(...rows);
}

async function load() {
  try {
    const data = await api("tickets");
    showConsole(data.officer);
    // Keep what an officer is typing across refreshes.
    const drafts = new Map(
      [...document.querySelectorAll(".ticket")].map((li) => [
        li.dataset.id,
        li.querySelector(".reply-text")?.value ?? "",
      ]),
    );
    const items = data.tickets.map(ticketView);
    for (const li of items) {
      const box = li.querySelector(".reply-text");
      if (box && drafts.get(li.dataset.id)) box.value = drafts.get(li.dataset.id);
    }
    $("tickets").replaceChildren(...items);
    if (items.length === 0) $("tickets").append(el("li", { text: "Không có phiếu nào." }));
    reportRows(data.report);
  } catch (err) {
    $("status").textContent = err.message;
  }
}

async function act(id, verb, body) {
  try {
    await api(`tickets/${id}/${verb}`, body);
    $("status").textContent = "";
    await load();
    return true;
  } catch (err) {
    $("status").textContent = err.message;
    return false;
  }
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  api("login", { token: $("token").value })
    .then((data) => {
      $("token").value = "";
      $("login-error").textContent = "";
      showConsole(data.officer);
      return load();
    })
    .catch((err) => ($("login-error").textContent = err.message));
});
$("logout").addEventListener("click", () => void api("logout", {}).finally(showLogin));
$("refresh").addEventListener("click", () => void load());
void load();
