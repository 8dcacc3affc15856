/* global document, history, URLSearchParams, Event */
// The officials' PAKN desk and dashboard in the staff console (staff.js routes to it):
//  - the list (/staff/pakn?…): filters in the address, counts per filter, overdue and due-soon rows
//    marked in words as well as colour;
//  - one case (/staff/pakn/<mã>): the citizen's text, procedure, deadlines, history, notifications,
//    and the steps the lifecycle allows; every change sends the version it was read at, and a
//    stale one is refused by the server (the officer's typing is kept, the case is reloaded);
//  - the dashboard (/staff/thongke?…): the quarterly report's own rows (as the CSV/XLSX files) and
//    more measures, each chart with its table beside it.
// Text is only ever set with textContent.
import { barChart } from "/staff/charts.js";

const STATUS = {
  received: "Đã tiếp nhận",
  accepted: "Đã thụ lý",
  in_progress: "Đang xử lý",
  answered: "Đã có kết quả",
  closed: "Đã kết thúc",
  rejected: "Không thụ lý",
};
const NEXT = {
  accepted: "Thụ lý",
  in_progress: "Chuyển sang đang xử lý",
  answered: "Ghi kết quả xử lý",
  closed: "Kết thúc hồ sơ",
  rejected: "Không thụ lý",
};
const OPEN = ["received", "accepted", "in_progress"];
const KIND = { complaint: "Phản ánh", proposal: "Kiến nghị" };
const CHANNEL = { web: "Web", telegram: "Telegram", zalo: "Zalo", hotline: "Tổng đài 1022" };
const UNASSIGNED = "(chưa phân công)";
const COLORS = {
  onTime: "#1a7f37",
  late: "#cf222e",
  pending: "#0969da",
  overdue: "#bc4c00",
  up: "#1a7f37",
  down: "#cf222e",
  tickets: "#0b4f8a",
};

const pad = (n) => String(n).padStart(2, "0");
/** Vietnam time parts of an ISO instant. */
function vn(iso) {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  return {
    date: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    day: d.toISOString().slice(0, 10),
  };
}
const vnDate = (iso) => (iso ? vn(iso).date : "—");
const vnDateTime = (iso) => (iso ? `${vn(iso).time} ${vn(iso).date}` : "—");
const dayToVn = (day) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : "—");
const num = (x, suffix = "") =>
  x === null || x === undefined ? "—" : `${String(x).replace(".", ",")}${suffix}`;
const actorLabel = (a) =>
  a === "citizen"
    ? "Người dân"
    : a === "system"
      ? "Hệ thống (tự động)"
      : `Cán bộ ${a.replace(/^staff:/, "")}`;

/** "còn 3 ngày làm việc", "hạn hôm nay", "quá hạn 2 ngày làm việc". */
function timeLeft(c) {
  if (c.workingDaysLeft === null || c.workingDaysLeft === undefined) return "";
  const n = c.workingDaysLeft;
  if (c.overdue) return n < 0 ? `quá hạn ${-n} ngày làm việc` : "quá hạn";
  if (n <= 0) return "hạn hôm nay";
  return `còn ${n} ngày làm việc`;
}

export function createDesk({ api, el, $, navigate, setStatus, me }) {
  const scoped = () => Boolean(me()?.agency);

  /** Same-page navigation for plain clicks on the desk's own links. */
  function follow(e) {
    const a = e.target.closest("a[href^='/staff']");
    if (!a || a.hasAttribute("download") || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0)
      return;
    e.preventDefault();
    navigate(a.getAttribute("href"));
  }
  for (const id of ["cases", "case-back", "case-facts"]) $(id).addEventListener("click", follow);

  // ---------------------------------------------------------------- the list
  let cursor = null;
  let lastParams = new URLSearchParams();

  const QUICK = [
    { key: "open", label: "Đang mở", params: { status: OPEN.join(",") } },
    { key: "overdue", label: "Quá hạn", params: { overdue: "1" } },
    { key: "dueSoon", label: "Sắp đến hạn", params: { dueWithin: "3" } },
    { key: "progressDue", label: "Cần cập nhật tiến độ 7 ngày", params: { progressDue: "1" } },
    { key: "unassigned", label: "Chưa phân công", params: { unassigned: "1" }, hotline: true },
    { key: "all", label: "Tất cả", params: {} },
  ];

  function formParams() {
    const p = new URLSearchParams();
    const set = (k, v) => v && p.set(k, v);
    set("status", $("f-status").value);
    set("agency", $("f-agency").value);
    set("dueWithin", $("f-due").value.trim());
    set("q", $("f-q").value.trim());
    if ($("f-overdue").checked) p.set("overdue", "1");
    if ($("f-progress").checked) p.set("progressDue", "1");
    if ($("f-unassigned").checked) p.set("unassigned", "1");
    return p;
  }

  function fillForm(p) {
    $("f-status").dataset.want = p.get("status") ?? "";
    $("f-agency").dataset.want = p.get("agency") ?? "";
    $("f-status").value = p.get("status") ?? "";
    $("f-agency").value = p.get("agency") ?? "";
    $("f-due").value = p.get("dueWithin") ?? "";
    $("f-q").value = p.get("q") ?? "";
    $("f-overdue").checked = p.get("overdue") === "1";
    $("f-progress").checked = p.get("progressDue") === "1";
    $("f-unassigned").checked = p.get("unassigned") === "1";
  }

  function sameParams(a, b) {
    const norm = (p) => [...new URLSearchParams(p)].sort().join("&");
    return norm(a) === norm(b);
  }

  function renderQuick(counts, params) {
    const buttons = QUICK.filter((q) => !(q.hotline && scoped())).map((q) => {
      const n = q.key === "all" ? counts.all : counts[q.key];
      const pressed = sameParams(new URLSearchParams(q.params), params);
      const b = el("button", {
        type: "button",
        class: `chip chip-${q.key}`,
        "aria-pressed": pressed ? "true" : "false",
        "data-quick": q.key,
      });
      b.append(`${q.label} `, el("span", { class: "count", text: String(n) }));
      b.addEventListener("click", () => {
        const p = new URLSearchParams(q.params);
        fillForm(p);
        void applyList(p);
      });
      return b;
    });
    $("quick").replaceChildren(...buttons);
  }

  function renderOptions(counts, agencies) {
    const status = $("f-status");
    const want = status.dataset.want ?? status.value;
    status.replaceChildren(
      el("option", { value: "", text: `Tất cả (${counts.all})` }),
      el("option", { value: OPEN.join(","), text: `Đang mở (${counts.open})` }),
      ...Object.entries(STATUS).map(([k, label]) =>
        el("option", { value: k, text: `${label} (${counts.byStatus[k] ?? 0})` }),
      ),
    );
    status.value = [...status.options].some((o) => o.value === want) ? want : "";
    const agency = $("f-agency");
    const wantAgency = agency.dataset.want ?? agency.value;
    agency.replaceChildren(
      el("option", { value: "", text: "Tất cả cơ quan" }),
      ...agencies.map((a) => el("option", { value: a, text: a })),
    );
    agency.value = agencies.includes(wantAgency) ? wantAgency : "";
    $("f-agency-label").hidden = scoped();
    $("f-unassigned-label").hidden = scoped();
  }

  function caseRow(c) {
    const badges = [];
    if (c.overdue) badges.push(el("span", { class: "badge overdue", text: "Quá hạn" }));
    else if (c.dueSoon) badges.push(el("span", { class: "badge soon", text: "Sắp đến hạn" }));
    if (c.progressDue)
      badges.push(el("span", { class: "badge progress", text: "Cần cập nhật tiến độ" }));
    const href = `/staff/pakn/${encodeURIComponent(c.ref)}`;
    const cls = ["case-row", c.overdue ? "overdue" : "", c.dueSoon ? "due-soon" : ""].join(" ");
    return el("tr", { class: cls.trim(), "data-ref": c.ref }, [
      el("td", { "data-label": "Mã" }, [
        el("a", { href, text: c.ref }),
        el("div", { class: "muted", text: KIND[c.kind] ?? c.kind }),
      ]),
      el("td", { "data-label": "Trạng thái" }, [
        el("span", { text: STATUS[c.status] ?? c.status }),
        ...badges.map((b) => el("div", {}, [b])),
      ]),
      el("td", { "data-label": "Cơ quan", text: c.agency ?? UNASSIGNED }),
      el("td", { "data-label": "Nội dung", class: "preview", text: c.preview }),
      el("td", { "data-label": "Hạn xử lý" }, [
        el("span", { text: vnDate(c.dueAt) }),
        el("div", { class: "muted", text: timeLeft(c) }),
      ]),
    ]);
  }

  async function fetchList(params, append) {
    const qs = new URLSearchParams(params);
    if (append && cursor) qs.set("cursor", cursor);
    let data;
    try {
      data = await api(`pakn?${qs}`);
    } catch (err) {
      if (err.status !== 401) $("pakn-summary").textContent = err.message;
      return;
    }
    const who = me();
    $("pakn-scope").textContent = who?.agency ? `— ${who.agency.name}` : "— toàn tỉnh";
    renderQuick(data.counts, params);
    renderOptions(data.counts, data.agencies);
    const rows = data.items.map(caseRow);
    const body = $("cases").querySelector("tbody");
    if (append) body.append(...rows);
    else body.replaceChildren(...rows);
    if (!append && rows.length === 0) {
      body.append(
        el("tr", {}, [el("td", { colspan: "5", text: "Không có hồ sơ nào phù hợp với bộ lọc." })]),
      );
    }
    cursor = data.nextCursor;
    $("more").hidden = !cursor;
    const shown = body.querySelectorAll("tr.case-row").length;
    $("pakn-summary").textContent =
      `${data.matching} hồ sơ phù hợp` +
      (shown < data.matching ? `, đang hiện ${shown}` : "") +
      `. Sắp đến hạn: còn tối đa ${data.dueSoonWorkingDays} ngày làm việc.`;
  }

  async function applyList(params) {
    lastParams = params;
    const qs = params.toString();
    history.replaceState(null, "", `/staff/pakn${qs ? `?${qs}` : ""}`);
    cursor = null;
    await fetchList(params, false);
  }

  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    void applyList(formParams());
  });
  $("filters").addEventListener("reset", (e) => {
    e.preventDefault();
    fillForm(new URLSearchParams());
    void applyList(new URLSearchParams());
  });
  $("more").addEventListener("click", () => void fetchList(lastParams, true));

  async function showList(search) {
    const params = new URLSearchParams(search);
    fillForm(params);
    lastParams = params;
    cursor = null;
    await fetchList(params, false);
  }

  // ---------------------------------------------------------------- one case
  let current = null;

  /** The case page's message: an outcome ("ok") or a refusal ("error"). */
  function say(text, kind = "error") {
    const node = $("case-message");
    node.className = `message ${kind}`;
    node.textContent = text;
  }

  function fact(term, ...values) {
    return [el("dt", { text: term }), el("dd", {}, values)];
  }

  function renderFacts(c) {
    const facts = [];
    facts.push(...fact("Trạng thái", STATUS[c.status] ?? c.status));
    facts.push(...fact("Loại", KIND[c.kind] ?? c.kind));
    facts.push(...fact("Cơ quan xử lý", c.agency ?? UNASSIGNED));
    if (c.procedureCode) {
      const parts = [c.procedureName ? `${c.procedureCode} — ${c.procedureName}` : c.procedureCode];
      if (c.procedureUrl) {
        parts.push(
          " (",
          el("a", { href: c.procedureUrl, rel: "noopener noreferrer", text: "xem trên Cổng DVC" }),
          ")",
        );
      }
      facts.push(...fact("Thủ tục", ...parts));
    } else facts.push(...fact("Thủ tục", "Không nêu"));
    facts.push(...fact("Kênh", CHANNEL[c.channel] ?? c.channel));
    facts.push(...fact("Ngày tiếp nhận", vnDateTime(c.receivedAt)));
    const left = timeLeft(c);
    facts.push(...fact("Hạn xử lý", `${vnDate(c.dueAt)}${left ? ` (${left})` : ""}`));
    if (OPEN.includes(c.status) && c.nextProgressAt) {
      facts.push(...fact("Hạn cập nhật tiến độ tiếp theo", vnDateTime(c.nextProgressAt)));
    }
    if (c.handledAt) facts.push(...fact("Ghi nhận kết quả lúc", vnDateTime(c.handledAt)));
    if (c.resultDate) facts.push(...fact("Ngày có kết quả", dayToVn(c.resultDate)));
    if (c.resultRecordDueAt) {
      facts.push(
        ...fact(
          "Hạn ghi nhận kết quả",
          `${vnDateTime(c.resultRecordDueAt)}${c.resultRecordedLate ? " — ghi nhận trễ" : ""}`,
        ),
      );
    }
    if (c.rejectReason) facts.push(...fact("Lý do không thụ lý", c.rejectReason));
    facts.push(...fact("Liên hệ của người dân", c.contact ?? "Không để lại"));
    facts.push(...fact("Phiên bản hồ sơ", String(c.version)));
    $("case-facts").replaceChildren(...facts);
  }

  function historyItem(h) {
    let what;
    if (h.action === "filed") what = "Người dân gửi phản ánh, kiến nghị";
    else if (h.action === "status")
      what = `${STATUS[h.from] ?? h.from ?? ""} → ${STATUS[h.to] ?? h.to}`;
    else if (h.action === "assign") what = "Giao / chuyển cơ quan";
    else what = "Cập nhật tiến độ cho người dân";
    return el("li", {}, [
      el("span", { class: "when", text: vnDateTime(h.at) }),
      " · ",
      el("span", { class: "actor", text: actorLabel(h.actor) }),
      " · ",
      el("strong", { text: what }),
      h.note ? el("div", { class: "note", text: h.note }) : null,
    ]);
  }

  function notificationRow(n) {
    const state = n.sentAt
      ? `Đã gửi lúc ${vnDateTime(n.sentAt)}`
      : n.failedAt
        ? `Không gửi được${n.lastError ? ` (${n.lastError})` : ""}`
        : `Đang chờ gửi${n.attempts ? ` (đã thử ${n.attempts} lần)` : ""}`;
    return el("tr", {}, [
      el("td", { "data-label": "Lúc", text: vnDateTime(n.createdAt) }),
      el("td", {
        "data-label": "Loại",
        text: n.kind === "progress" ? "Cập nhật tiến độ" : "Đổi trạng thái",
      }),
      el("td", { "data-label": "Kênh", text: CHANNEL[n.channel] ?? n.channel }),
      el("td", { "data-label": "Tình trạng", text: state }),
    ]);
  }

  function field(id, label, control, hint) {
    return el("div", { class: "field" }, [
      el("label", { for: id, text: label, id: `${id}-label` }),
      control,
      hint ? el("p", { class: "hint", text: hint }) : null,
    ]);
  }

  const textarea = (id, extra = {}) =>
    el("textarea", { id, maxlength: "2000", rows: "3", ...extra });

  function statusForm(c) {
    if (c.allowed.length === 0) return null;
    const select = el(
      "select",
      { id: "act-to" },
      c.allowed.map((s) => el("option", { value: s, text: NEXT[s] ?? s })),
    );
    const note = textarea("act-note");
    const date = el("input", { id: "act-date", type: "date", value: c.today ?? "" });
    const dateRow = field("act-date", "Ngày có kết quả (văn bản trả lời)", date);
    const form = el("form", { id: "act-status", class: "action" }, [
      el("h3", { text: "Chuyển trạng thái" }),
      field("act-to", "Thao tác", select),
      field("act-note", "Ghi chú gửi người dân (không bắt buộc)", note),
      dateRow,
      el("button", { type: "submit", text: "Lưu trạng thái" }),
    ]);
    const sync = () => {
      const to = select.value;
      const label = form.querySelector("#act-note-label");
      label.textContent =
        to === "answered"
          ? "Nội dung trả lời người dân (bắt buộc)"
          : to === "rejected"
            ? "Lý do không thụ lý (bắt buộc, gửi người dân)"
            : "Ghi chú gửi người dân (không bắt buộc)";
      note.required = to === "answered" || to === "rejected";
      dateRow.hidden = to !== "answered";
    };
    select.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const to = select.value;
      const text = note.value.trim();
      const body = { status: to, version: c.version };
      if (to === "rejected") body.reason = text;
      else if (text) body.note = text;
      if (to === "answered" && date.value) body.resultDate = date.value;
      void change("status", body, `Đã lưu: ${NEXT[to] ?? to}.`);
    });
    return form;
  }

  function progressForm(c) {
    if (!OPEN.includes(c.status)) return null;
    const note = textarea("act-progress-note", { required: true });
    return el("form", { id: "act-progress", class: `action${c.progressDue ? " due" : ""}` }, [
      el("h3", { text: "Cập nhật tiến độ cho người dân" }),
      c.progressDue
        ? el("p", {
            class: "warn",
            id: "progress-due",
            text: `Đã đến hạn cập nhật tiến độ 7 ngày (từ ${vnDateTime(c.nextProgressAt)}): hãy báo người dân tình hình xử lý.`,
          })
        : null,
      field(
        "act-progress-note",
        "Nội dung cập nhật",
        note,
        "Quá hạn xử lý thì cứ 7 ngày phải báo người dân một lần; nếu không, hệ thống tự gửi thông báo và ghi là chưa cập nhật đúng hạn.",
      ),
      el("button", { type: "submit", text: "Gửi cập nhật tiến độ" }),
    ]);
  }

  function assignForm(c) {
    if (!OPEN.includes(c.status)) return null;
    const agencies = [...new Set([...(c.agency ? [c.agency] : []), ...c.agencies])];
    const select = el("select", { id: "act-agency" }, [
      el("option", { value: "", text: "— Chọn cơ quan —" }),
      ...agencies.map((a) => el("option", { value: a, text: a })),
    ]);
    select.value = c.agency ?? "";
    return el("form", { id: "act-assign", class: "action" }, [
      el("h3", { text: c.agency ? "Chuyển cơ quan xử lý" : "Giao cơ quan xử lý" }),
      field("act-agency", "Cơ quan", select),
      field("act-assign-note", "Ghi chú nội bộ (không gửi người dân)", textarea("act-assign-note")),
      scoped()
        ? el("p", {
            class: "hint",
            text: "Chuyển cho cơ quan khác thì hồ sơ không còn thuộc đơn vị của bạn.",
          })
        : null,
      el("button", { type: "submit", text: c.agency ? "Chuyển hồ sơ" : "Giao hồ sơ" }),
    ]);
  }

  function renderActions(c, drafts) {
    const forms = [statusForm(c), progressForm(c), assignForm(c)].filter(Boolean);
    const panel = $("case-actions");
    panel.replaceChildren(
      ...(forms.length ? forms : [el("p", { text: "Hồ sơ đã kết thúc: không còn thao tác nào." })]),
    );
    const progress = panel.querySelector("#act-progress");
    progress?.addEventListener("submit", (e) => {
      e.preventDefault();
      const note = $("act-progress-note").value.trim();
      if (note) void change("progress", { note, version: c.version }, "Đã gửi cập nhật tiến độ.");
    });
    const assign = panel.querySelector("#act-assign");
    assign?.addEventListener("submit", (e) => {
      e.preventDefault();
      const agency = $("act-agency").value;
      if (!agency) {
        say("Chọn cơ quan trước khi giao hồ sơ.");
        return;
      }
      const note = $("act-assign-note").value.trim();
      void change(
        "assign",
        { agency, version: c.version, ...(note ? { note } : {}) },
        `Đã giao hồ sơ cho ${agency}.`,
      );
    });
    // After a refused change, what the officer typed is still there.
    for (const [id, value] of Object.entries(drafts ?? {})) {
      const input = panel.querySelector(`#${id}`);
      if (input && [...(input.options ?? [{ value }])].some((o) => o.value === value)) {
        input.value = value;
        input.dispatchEvent(new Event("change"));
      }
    }
  }

  function renderCase(c, drafts) {
    current = c;
    $("case-title").textContent = `${KIND[c.kind] ?? "Hồ sơ"} ${c.ref}`;
    const flags = [];
    if (c.overdue)
      flags.push(el("span", { class: "badge overdue", text: `Quá hạn — ${timeLeft(c)}` }));
    else if (c.dueSoon)
      flags.push(el("span", { class: "badge soon", text: `Sắp đến hạn — ${timeLeft(c)}` }));
    if (c.progressDue)
      flags.push(el("span", { class: "badge progress", text: "Cần cập nhật tiến độ 7 ngày" }));
    if (c.resultRecordedLate)
      flags.push(el("span", { class: "badge late", text: "Ghi nhận kết quả trễ" }));
    $("case-flags").replaceChildren(...flags);
    renderFacts(c);
    $("case-text").textContent = c.text;
    renderActions(c, drafts);
    $("case-history").replaceChildren(...c.history.map(historyItem));
    const notes = $("case-notifications").querySelector("tbody");
    notes.replaceChildren(...c.notifications.map(notificationRow));
    if (c.notifications.length === 0) {
      notes.append(el("tr", {}, [el("td", { colspan: "4", text: "Chưa có thông báo nào." })]));
    }
  }

  function drafts() {
    const out = {};
    for (const input of $("case-actions").querySelectorAll("textarea, select, input")) {
      if (input.id) out[input.id] = input.value;
    }
    return out;
  }

  async function change(verb, body, done) {
    const ref = current.ref;
    const kept = drafts();
    try {
      const result = await api(`pakn/${encodeURIComponent(ref)}/${verb}`, body);
      if (result.movedOut) {
        navigate("/staff/pakn");
        setStatus(`${done} Hồ sơ ${ref} không còn thuộc phạm vi của bạn.`);
        return;
      }
      renderCase({ ...result, agencies: current.agencies, today: current.today });
      say(done, "ok");
    } catch (err) {
      if (err.status === 401) return;
      // Refused (someone changed it first, or the step is no longer allowed): show the case as it
      // is now and keep what the officer typed; nothing was saved.
      if (err.code === "version_conflict" || err.code === "invalid_transition") {
        await showCase(ref, { drafts: kept });
      }
      say(err.message);
    }
  }

  async function showCase(ref, { drafts: kept } = {}) {
    say("");
    try {
      renderCase(await api(`pakn/${encodeURIComponent(ref)}`), kept);
    } catch (err) {
      if (err.status === 401) return;
      current = null;
      $("case-title").textContent = ref;
      for (const id of ["case-flags", "case-facts", "case-text", "case-actions", "case-history"])
        $(id).replaceChildren();
      $("case-notifications").querySelector("tbody").replaceChildren();
      say(err.message);
    }
  }

  // ---------------------------------------------------------------- the dashboard
  function quarterOf(day) {
    const m = Number(day.slice(5, 7));
    return `${day.slice(0, 4)}Q${Math.ceil(m / 3)}`;
  }
  function quarters(today, n = 8) {
    let [y, q] = [Number(today.slice(0, 4)), Math.ceil(Number(today.slice(5, 7)) / 3)];
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push(`${y}Q${q}`);
      q -= 1;
      if (q === 0) [y, q] = [y - 1, 4];
    }
    return out;
  }
  const quarterLabel = (label) =>
    /^\d{4}Q[1-4]$/.test(label) ? `Quý ${label.slice(5)}/${label.slice(0, 4)}` : label;

  function dashParams() {
    const p = new URLSearchParams();
    if ($("d-kind-range").checked) {
      p.set("from", $("d-from").value);
      p.set("to", $("d-to").value);
    } else p.set("quarter", $("d-quarter").value);
    if ($("d-agency").value) p.set("agency", $("d-agency").value);
    return p;
  }

  function table(id, head, rows, caption) {
    return el("div", { class: "scroll" }, [
      el("table", { id, class: "report figures" }, [
        el("caption", { text: caption }),
        el("thead", {}, [
          el(
            "tr",
            {},
            head.map((h) => el("th", { scope: "col", text: h })),
          ),
        ]),
        el(
          "tbody",
          {},
          rows.map((r) =>
            el(
              "tr",
              { class: r.total ? "total" : "", "data-agency": r.key ?? "" },
              r.cells.map((v, i) =>
                el(i === 0 ? "th" : "td", {
                  ...(i === 0 ? { scope: "row" } : { "data-label": head[i] }),
                  "data-key": r.keys?.[i] ?? "",
                  text: String(v),
                }),
              ),
            ),
          ),
        ),
      ]),
    ]);
  }

  function block(title, chart, tableNode) {
    return el("section", { class: "chart-block" }, [
      el("h3", { text: title }),
      el("div", { class: "chart-row" }, [
        el("figure", { class: "chart" }, [chart, el("figcaption", { text: `Biểu đồ: ${title}` })]),
        tableNode,
      ]),
    ]);
  }

  function kpi(label, value, detail) {
    return el("div", { class: "kpi" }, [
      el("div", { class: "kpi-label", text: label }),
      el("div", { class: "kpi-value", text: value }),
      detail ? el("div", { class: "kpi-detail", text: detail }) : null,
    ]);
  }

  const agencyName = (a) => (a === "" ? UNASSIGNED : a);
  /** Drawn at about the width it is shown at, so its text stays readable on a phone. */
  const chartWidth = () => Math.min(640, Math.max(300, document.documentElement.clientWidth - 56));

  function renderDashboard(d) {
    const t = d.total;
    const r = d.report;
    $("dash-scope").textContent = d.agency ? `— ${d.agency}` : "— toàn tỉnh";
    const period = /^\d{4}Q[1-4]$/.test(d.period.label)
      ? quarterLabel(d.period.label)
      : `${vnDate(d.period.from)} – ${vnDate(new Date(Date.parse(d.period.to) - 1).toISOString())}`;
    $("dash-asof").textContent =
      `Kỳ: ${period}. Số liệu tính đến ${vnDateTime(d.period.asOf)}; "quá hạn hiện nay" tính đến lúc xem.`;

    const kpis = [
      kpi("Tiếp nhận trong kỳ", String(r.total.received)),
      kpi("Đã xử lý", String(t.handled), `đúng hạn ${t.handledOnTime}, quá hạn ${t.handledLate}`),
      kpi("Tỉ lệ đúng hạn", num(t.onTimeRate, "%")),
      kpi(
        "Thời gian xử lý (trung vị)",
        t.medianWorkingDaysToHandle === null
          ? "—"
          : `${num(t.medianWorkingDaysToHandle)} ngày làm việc`,
      ),
      kpi("Đang quá hạn (hiện nay)", String(t.overdueNow)),
      kpi(
        "Cập nhật tiến độ 7 ngày",
        num(t.progressCompliance, "%"),
        `${t.progressUpdates} lần đúng hạn, ${t.progressMissed} lần bị bỏ lỡ`,
      ),
    ];
    if (d.ratings) {
      kpis.push(
        kpi(
          "Người dân hài lòng với câu trả lời",
          num(d.ratings.upShare, "%"),
          `${d.ratings.up} hữu ích · ${d.ratings.down} chưa hữu ích`,
        ),
      );
    }
    if (d.handover) {
      const sum = (k) => d.handover.byDay.reduce((s, x) => s + x[k], 0);
      kpis.push(
        kpi(
          "Phiếu hỗ trợ trực tuyến",
          String(sum("tickets")),
          `đã trả lời ${sum("answered")}, đã đóng ${sum("closed")}`,
        ),
      );
    }
    $("kpis").replaceChildren(...kpis);

    const rows = [...r.rows, r.total];
    const names = r.rows.map((x) => agencyName(x.agency));
    const reportChart = barChart({
      width: chartWidth(),
      label: "Kết quả xử lý theo cơ quan",
      categories: names,
      series: [
        {
          name: "Xử lý đúng hạn",
          color: COLORS.onTime,
          values: r.rows.map((x) => x.handledOnTime),
        },
        { name: "Xử lý quá hạn", color: COLORS.late, values: r.rows.map((x) => x.handledLate) },
        {
          name: "Đang xử lý trong hạn",
          color: COLORS.pending,
          values: r.rows.map((x) => x.pendingOnTime),
        },
        {
          name: "Đang xử lý quá hạn",
          color: COLORS.overdue,
          values: r.rows.map((x) => x.pendingOverdue),
        },
      ],
    });
    const reportTable = table(
      "dash-report",
      d.columns.map((c) => c.title),
      rows.map((x, i) => ({
        key: i === rows.length - 1 ? "__total" : x.agency,
        total: i === rows.length - 1,
        keys: d.columns.map((c) => c.key),
        cells: d.columns.map((c) => (c.key === "agency" ? agencyName(x.agency) : x[c.key])),
      })),
      "Bảng số liệu báo cáo (giống tệp CSV/Excel tải về)",
    );

    const m = [...d.agencies, t];
    const rateChart = barChart({
      width: chartWidth(),
      label: "Tỉ lệ xử lý đúng hạn theo cơ quan (%)",
      categories: d.agencies.map((x) => agencyName(x.agency)),
      series: [
        {
          name: "Đúng hạn (%)",
          color: COLORS.onTime,
          values: d.agencies.map((x) => x.onTimeRate ?? 0),
        },
      ],
      unit: "%",
      max: 100,
    });
    const measureHead = [
      "Cơ quan",
      "Đã xử lý",
      "Đúng hạn (%)",
      "Trung vị ngày làm việc xử lý",
      "Trung vị ngày làm việc trễ",
      "Đang quá hạn (hiện nay)",
      "Cập nhật 7 ngày đúng hạn",
      "Cập nhật 7 ngày bị bỏ lỡ",
      "Tuân thủ cập nhật (%)",
    ];
    const measureKeys = [
      "agency",
      "handled",
      "onTimeRate",
      "medianWorkingDaysToHandle",
      "medianWorkingDaysLate",
      "overdueNow",
      "progressUpdates",
      "progressMissed",
      "progressCompliance",
    ];
    const measureTable = table(
      "dash-measures",
      measureHead,
      m.map((x, i) => ({
        key: i === m.length - 1 ? "__total" : x.agency,
        total: i === m.length - 1,
        keys: measureKeys,
        cells: measureKeys.map((k) => (k === "agency" ? agencyName(x.agency) : num(x[k]))),
      })),
      "Đúng hạn, thời gian xử lý (ngày làm việc) và cập nhật tiến độ 7 ngày",
    );
    const blocks = [
      block("Kết quả xử lý theo cơ quan", reportChart, reportTable),
      block("Tỉ lệ đúng hạn, thời gian xử lý và cập nhật tiến độ", rateChart, measureTable),
    ];
    if (d.ratings) {
      blocks.push(
        block(
          "Đánh giá câu trả lời của trợ lý (toàn tỉnh)",
          barChart({
            width: chartWidth(),
            label: "Đánh giá câu trả lời",
            categories: ["Hữu ích", "Chưa hữu ích"],
            series: [
              {
                name: "Lượt đánh giá",
                color: COLORS.tickets,
                values: [d.ratings.up, d.ratings.down],
              },
            ],
          }),
          table(
            "dash-ratings",
            ["Đánh giá", "Lượt"],
            [
              { cells: ["Hữu ích", d.ratings.up] },
              { cells: ["Chưa hữu ích", d.ratings.down] },
              { cells: ["Tỉ lệ hữu ích", num(d.ratings.upShare, "%")], total: true },
            ],
            "Đánh giá của người dân về câu trả lời của trợ lý",
          ),
        ),
      );
    }
    if (d.handover) {
      const h = d.handover;
      blocks.push(
        block(
          "Hỗ trợ trực tuyến qua tổng đài (toàn tỉnh)",
          barChart({
            width: chartWidth(),
            label: "Phiếu hỗ trợ theo ngày",
            categories: h.byDay.map((x) => dayToVn(x.key)),
            series: [
              { name: "Phiếu", color: COLORS.tickets, values: h.byDay.map((x) => x.tickets) },
            ],
          }),
          table(
            "dash-handover",
            [
              "Cán bộ",
              "Phiếu",
              "Đã trả lời",
              "Đã đóng",
              "Phản hồi đầu (phút)",
              "Đóng (phút)",
              "Đánh giá (1–5)",
            ],
            h.byOfficer.map((x) => ({
              cells: [
                x.key,
                x.tickets,
                x.answered,
                x.closed,
                num(x.avgFirstResponseMin),
                num(x.avgCloseMin),
                num(x.avgRating),
              ],
            })),
            `Theo cán bộ; hiện có ${h.waiting} phiếu đang chờ, ${h.assigned} đang xử lý`,
          ),
        ),
      );
    }
    $("dash-blocks").replaceChildren(...blocks);
  }

  function fillDashForm(p, who, agencies) {
    const today = who?.today ?? new Date().toISOString().slice(0, 10);
    const list = quarters(today);
    const want = p.get("quarter") ?? quarterOf(today);
    if (!list.includes(want)) list.push(want);
    $("d-quarter").replaceChildren(
      ...list.map((q) => el("option", { value: q, text: quarterLabel(q) })),
    );
    $("d-quarter").value = want;
    const range = p.has("from") && p.has("to");
    $("d-kind-range").checked = range;
    $("d-kind-quarter").checked = !range;
    $("d-from").value = p.get("from") ?? `${today.slice(0, 4)}-01-01`;
    $("d-to").value = p.get("to") ?? today;
    const agency = $("d-agency");
    agency.replaceChildren(
      el("option", { value: "", text: "Toàn tỉnh" }),
      ...agencies.map((a) => el("option", { value: a, text: a })),
    );
    agency.value = agencies.includes(p.get("agency") ?? "") ? p.get("agency") : "";
    $("d-agency-label").hidden = scoped();
  }

  function setDownloads(p) {
    const quarter = p.get("quarter");
    const q = new URLSearchParams();
    if (quarter) q.set("quarter", quarter);
    if (p.get("agency")) q.set("agency", p.get("agency"));
    $("dl-csv").href = `/staff/api/report.csv?${q}`;
    $("dl-xlsx").href = `/staff/api/report.xlsx?${q}`;
    $("dl-csv").parentElement.hidden = !quarter;
  }

  async function loadDashboard(p) {
    try {
      const d = await api(`dashboard?${p}`);
      fillDashForm(p, me(), d.agencyChoices);
      setDownloads(p);
      renderDashboard(d);
    } catch (err) {
      if (err.status !== 401) $("dash-asof").textContent = err.message;
    }
  }

  $("dash-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const p = dashParams();
    history.replaceState(null, "", `/staff/thongke?${p}`);
    void loadDashboard(p);
  });

  async function showDashboard(search) {
    const p = new URLSearchParams(search);
    const today = me()?.today ?? new Date().toISOString().slice(0, 10);
    if (!p.has("quarter") && !(p.has("from") && p.has("to"))) p.set("quarter", quarterOf(today));
    await loadDashboard(p);
  }

  return { showList, showCase, showDashboard };
}
