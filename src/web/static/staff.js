/* global document, fetch, setInterval, clearInterval, history, location, window */
// The staff console: log in with a staff token (HttpOnly session cookie), then
//  - "Hỗ trợ trực tuyến" (/staff, hotline staff only): waiting and assigned hand-over tickets with
//    summaries, transcripts and what has not reached the citizen; claim, reply, close;
//  - "Phản ánh, kiến nghị" (/staff/pakn, /staff/pakn/<mã>) and "Thống kê" (/staff/thongke): the
//    officials' desk and dashboard (desk.js, loaded when the server has the desk), within the
//    officer's agency scope.
// Text is only ever set with textContent: nothing a citizen writes becomes markup.
const $ = (id) => document.getElementById(id);
const REFRESH_MS = 5000;
let timer = null;
/** { officer, scope, agency, hotline } once logged in; hotline-only consoles have no desk. */
let me = null;

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, body) {
  const res = await fetch(`/staff/api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "login") showLogin();
  if (!res.ok) {
    // The server says it in Vietnamese, then " / " and English: the page shows the Vietnamese.
    const message = (data?.error?.message ?? `Lỗi ${res.status}`).split(" / ")[0];
    throw new ApiError(message, res.status, data?.error?.code);
  }
  return data;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const VIEWS = { tickets: "console", pakn: "pakn", case: "case", dashboard: "dashboard" };

function setStatus(text) {
  $("status").textContent = text ?? "";
}

function showLogin() {
  clearInterval(timer);
  timer = null;
  me = null;
  $("login").hidden = false;
  for (const id of Object.values(VIEWS)) $(id).hidden = true;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("refresh").hidden = true;
  $("who").textContent = "";
  setStatus("");
}

function showSignedIn(officer) {
  $("login").hidden = true;
  $("login-error").textContent = "";
  $("logout").hidden = false;
  $("refresh").hidden = false;
  const where = me?.agency ? me.agency.name : me?.hotline === false ? "" : "Toàn tỉnh";
  $("who").textContent = where ? `${officer} · ${where}` : officer;
}

/** The desk's module, loaded once it is known to be there (a hotline-only console has none). */
let desk = null;
async function deskModule() {
  if (!desk) {
    const { createDesk } = await import("/staff/desk.js");
    desk ??= createDesk({ api, el, $, navigate, setStatus, me: () => me });
  }
  return desk;
}

/** Which view a path shows. */
function viewOf(path) {
  const p = path.replace(/\/+$/, "") || "/staff";
  if (/^\/staff\/pakn\/[^/]+$/.test(p)) return "case";
  if (p === "/staff/pakn") return "pakn";
  if (p === "/staff/thongke") return "dashboard";
  return "tickets";
}

function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  void route();
}

/** Shows the view of the current address (after login, on a link, on back / forward). */
async function route({ focus = true } = {}) {
  if (!me) return;
  let next = viewOf(location.pathname);
  if (next === "tickets" && !me.hotline) {
    history.replaceState(null, "", "/staff/pakn");
    next = "pakn";
  }
  if (next !== "tickets" && !me.desk) {
    history.replaceState(null, "", "/staff");
    next = "tickets";
  }
  setStatus("");
  for (const [name, id] of Object.entries(VIEWS)) $(id).hidden = name !== next;
  for (const a of document.querySelectorAll("#nav a")) {
    const current = a.dataset.view === next || (a.dataset.view === "pakn" && next === "case");
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  clearInterval(timer);
  timer = null;
  if (next === "tickets") {
    timer = setInterval(() => void load(), REFRESH_MS);
    await load();
  } else if (next === "pakn") await (await deskModule()).showList(location.search);
  else if (next === "case") {
    const ref = decodeURIComponent(location.pathname.split("/")[3]);
    await (await deskModule()).showCase(ref);
  } else await (await deskModule()).showDashboard(location.search);
  if (focus) {
    const heading = $(VIEWS[next]).querySelector("h2");
    heading?.focus({ preventScroll: true });
  }
}

/** Who is signed in (the desk's /me); a console without the desk knows only the tickets. */
async function whoAmI() {
  try {
    const data = await api("me");
    me = { ...data, desk: true };
    return true;
  } catch (err) {
    if (err.status === 404) {
      me = { hotline: true, desk: false };
      return true;
    }
    if (err.status !== 401) setStatus(err.message);
    return false;
  }
}

async function start({ focus = false } = {}) {
  if (!(await whoAmI())) {
    if (!me) showLogin();
    return;
  }
  $("nav").hidden = !me.desk;
  $("nav-tickets").hidden = !me.hotline;
  if (me.officer) showSignedIn(me.officer);
  await route({ focus });
}

const STATUS = { waiting: "đang chờ", assigned: "đang xử lý" };
const CHANNEL = { web: "Web", telegram: "Telegram", zalo: "Zalo" };

function ticketView(t) {
  const transcript = el(
    "ol",
    { class: "transcript" },
    t.transcript.map((l) => el("li", { class: l.author, text: l.text })),
  );
  // What has not reached the citizen: waiting for the platform (retried, in order), given up.
  const d = t.delivery ?? { waiting: 0, undelivered: [] };
  const channel = CHANNEL[t.channel] ?? t.channel;
  const notes = d.undelivered.map((u) =>
    el("li", {
      class: "undelivered",
      text: `⚠️ Không tới được công dân (${u.label}). Hãy liên hệ cách khác. Nội dung: ${u.text}`,
    }),
  );
  if (d.waiting > 0) {
    notes.push(
      el("li", {
        class: "waiting",
        text: `⏳ ${d.waiting} tin chưa tới công dân: ${channel} chưa nhận; hệ thống tự gửi lại, đúng thứ tự.`,
      }),
    );
  }
  const delivery = notes.length > 0 ? el("ul", { class: "delivery" }, notes) : null;
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
      text: `#${t.id} · ${channel} · ${STATUS[t.status] ?? t.status}${who}`,
    }),
    el("div", { class: "summary", text: t.summary }),
    transcript,
    delivery,
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

/** The hand-over tickets (refreshed every 5 s while shown). */
async function load() {
  try {
    const data = await api("tickets");
    if (!me) me = { hotline: true, desk: false };
    showSignedIn(data.officer);
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
    setStatus("");
  } catch (err) {
    if (err.status !== 401) setStatus(err.message);
  }
}

async function act(id, verb, body) {
  try {
    await api(`tickets/${id}/${verb}`, body);
    setStatus("");
    await load();
    return true;
  } catch (err) {
    setStatus(err.message);
    return false;
  }
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  api("login", { token: $("token").value })
    .then(async (data) => {
      $("token").value = "";
      $("login-error").textContent = "";
      $("login").hidden = true;
      setStatus("");
      $("who").textContent = data.officer;
      await start({ focus: true });
    })
    .catch((err) => ($("login-error").textContent = err.message));
});
$("logout").addEventListener("click", () => void api("logout", {}).finally(showLogin));
$("refresh").addEventListener("click", () => void route({ focus: false }));
$("nav").addEventListener("click", (e) => {
  const a = e.target.closest("a[data-view]");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", () => void route());

// On opening the page: signed in already (the cookie) → the view of the address; else the login.
void start();
