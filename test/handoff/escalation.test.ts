import { afterEach, describe, expect, it } from "vitest";
import { hotlineStatus, parseHotlineHours } from "../../src/handoff/hours.ts";
import { calendar } from "../feedback/helpers.ts";
import { action, clock, texts, tempDbFile } from "../dialogue/helpers.ts";
import { makeHandoffHarness, OPEN_TIME, type HandoffHarness } from "./helpers.ts";

let h: HandoffHarness | null = null;
afterEach(() => {
  h?.close();
  h = null;
});

const officer = (name: string) => ({ id: `web:${name}`, name, source: "web" });

describe("hotline hours", () => {
  const hours = parseHotlineHours("07:30-17:00");
  it("is open on a working day within hours, closed at night and at weekends", () => {
    expect(hotlineStatus(new Date("2026-03-02T02:00:00Z"), hours, calendar).open).toBe(true);
    const night = hotlineStatus(new Date("2026-03-02T12:00:00Z"), hours, calendar);
    expect(night.open).toBe(false);
    expect(night.next.toISOString()).toBe("2026-03-03T00:30:00.000Z");
    // Saturday 7 March → Monday 9 March 07:30.
    const sat = hotlineStatus(new Date("2026-03-07T03:00:00Z"), hours, calendar);
    expect(sat.next.toISOString()).toBe("2026-03-09T00:30:00.000Z");
    // Tết 2026: off 14–22/2 → Monday 23/2.
    const tet = hotlineStatus(new Date("2026-02-16T03:00:00Z"), hours, calendar);
    expect(tet.next.toISOString()).toBe("2026-02-23T00:30:00.000Z");
  });
  it("rejects malformed hours", () => {
    expect(() => parseHotlineHours("17:00-07:30")).toThrow();
    expect(() => parseHotlineHours("7h30")).toThrow();
  });
});

describe("escalation", () => {
  it("on request: ticket waiting, bot silent, citizen messages go to the ticket", async () => {
    h = makeHandoffHarness();
    const out = await h.say("Cho tôi gặp tổng đài viên, SĐT 0912345678");
    expect(texts(out)).toContain("tổng đài viên");
    expect(texts(out)).toMatch(/khoảng 5 phút/);
    const ticket = (await h.handoff.store.openFor("telegram", "u1"))!;
    expect(ticket.status).toBe("waiting");
    expect(ticket.reason).toBe("asked");
    expect(ticket.summary).not.toContain("0912345678");
    expect(await h.say("thủ tục khai sinh")).toEqual([]);
    expect(await h.say("còn đó không?")).toEqual([]);
    const citizen = (await h.handoff.store.transcript(ticket.id)).filter(
      (l) => l.author === "citizen",
    );
    expect(citizen.map((l) => l.text)).toEqual([
      "Cho tôi gặp tổng đài viên, SĐT 0912345678",
      "thủ tục khai sinh",
      "còn đó không?",
    ]);
  });

  it("/huy ends the wait: ticket closed by the citizen, the bot answers again", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    expect(texts(await h.say("/huy"))).toContain("đã kết thúc");
    expect(await h.handoff.store.get(id)).toMatchObject({ status: "closed", closedBy: "citizen" });
    expect(texts(await h.say("khai sinh"))).toContain("1.001193");
    await expect(h.handoff.reply(id, officer("lan"), "muộn rồi")).rejects.toThrow();
  });

  it("/hotro and the menu button escalate", async () => {
    h = makeHandoffHarness();
    await h.say("/hotro");
    expect((await h.handoff.store.openFor("telegram", "u1"))?.reason).toBe("asked");
    await h.press("cmd:hotro", "u2");
    expect(await h.handoff.store.openFor("telegram", "u2")).toBeDefined();
  });

  it("after two not-found answers in a row, with the bot's answers in the summary", async () => {
    h = makeHandoffHarness();
    const first = await h.say("thủ tục nuôi ong mật");
    expect(await h.handoff.store.openFor("telegram", "u1")).toBeUndefined();
    expect(texts(first)).not.toContain("phiếu số");
    const second = await h.say("thủ tục nuôi cá sấu");
    expect(texts(second)).toContain("phiếu số");
    const ticket = (await h.handoff.store.openFor("telegram", "u1"))!;
    expect(ticket.reason).toBe("repeated_miss");
    expect(ticket.summary).toContain("nuôi cá sấu");
    expect(ticket.summary).toContain("Bot đã trả lời");
  });

  it("after 👎 twice", async () => {
    h = makeHandoffHarness();
    const a = await h.say("khai sinh");
    await h.press(action(a, "rate:down:"));
    await h.press("rate:skip");
    const b = await h.say("hộ chiếu");
    const out = await h.press(action(b, "rate:down:"));
    expect(texts(out)).toContain("phiếu số");
    const ticket = (await h.handoff.store.openFor("telegram", "u1"))!;
    expect(ticket.summary).toContain("2.002001");
  });

  it("on a sensitive topic", async () => {
    h = makeHandoffHarness();
    await h.say("cán bộ xã đòi tiền mới giải quyết hồ sơ");
    expect((await h.handoff.store.openFor("telegram", "u1"))?.reason).toBe("sensitive");
  });

  it("outside hours: says when it opens, offers feedback, queues only on request", async () => {
    h = makeHandoffHarness({ clock: clock("2026-03-07T03:00:00Z") });
    const out = await h.say("/hotro");
    expect(texts(out)).toContain("07:30 thứ Hai 09/03/2026");
    expect(action(out, "cmd:phananh")).toBe("cmd:phananh");
    expect(await h.handoff.store.openFor("telegram", "u1")).toBeUndefined();
    expect(texts(await h.say("khai sinh"))).toContain("khai sinh");
    const queued = await h.press(action(out, "handoff:queue:"));
    expect(texts(queued)).toContain("từ 07:30 thứ Hai 09/03/2026");
    expect((await h.handoff.store.openFor("telegram", "u1"))?.status).toBe("waiting");
    expect(await h.say("còn ai không")).toEqual([]);
  });

  it("a queue button the bot never offered opens no ticket and reaches no desk", async () => {
    h = makeHandoffHarness({ clock: clock("2026-03-07T03:00:00Z") });
    for (let i = 0; i < 5; i++) {
      const forged = await h.press("handoff:queue:asked");
      expect(texts(forged)).toContain("không còn hiệu lực");
    }
    expect(await h.handoff.store.openFor("telegram", "u1")).toBeUndefined();
    // Once offered, the same button works, once.
    const out = await h.say("/hotro");
    expect(action(out, "handoff:queue:")).toBe("handoff:queue:asked");
    await h.press("handoff:queue:asked");
    expect((await h.handoff.store.openFor("telegram", "u1"))?.status).toBe("waiting");
  });

  it("an officer's reply of invisible characters is refused, not relayed", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    const before = h.sent.length;
    await expect(h.handoff.reply(id, officer("lan"), "\u200b\u200d ")).rejects.toMatchObject({
      code: "empty",
    });
    expect(h.sent.length).toBe(before);
  });

  it("close hands back to the bot and asks for a rating, once", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    await h.handoff.reply(id, officer("lan"), "Chào anh, tôi là Lan.");
    await h.handoff.close(id, officer("lan"));
    const closing = h.sent.at(-1)!.message;
    expect(closing.text).toContain("kết thúc");
    expect(texts(await h.say("khai sinh"))).toContain("khai sinh");
    const rate = action([closing], `handoff:rate:${id}:5`);
    expect(texts(await h.press(rate))).toContain("Cảm ơn");
    expect(texts(await h.press(rate))).toContain("đã được đánh giá");
    expect((await h.handoff.store.get(id))?.rating).toBe(5);
  });

  it("a citizen cannot rate or reach another citizen's ticket", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên", "alice");
    await h.say("gặp tổng đài viên", "bob");
    const a = (await h.handoff.store.openFor("telegram", "alice"))!.id;
    const b = (await h.handoff.store.openFor("telegram", "bob"))!.id;
    await h.say("chỉ của Bob", "bob");
    expect((await h.handoff.store.transcript(a)).some((l) => l.text.includes("Bob"))).toBe(false);
    await h.handoff.reply(a, officer("lan"), "Gửi Alice");
    expect(h.sent.filter((s) => s.message.text.includes("Gửi Alice")).map((s) => s.userId)).toEqual(
      ["alice"],
    );
    await h.handoff.close(a, officer("lan"));
    expect(texts(await h.press(`handoff:rate:${a}:1`, "bob"))).toEqual("");
    expect((await h.handoff.store.get(a))?.rating).toBeNull();
    expect((await h.handoff.store.get(b))?.status).toBe("waiting");
  });

  it("two officers claiming at once: exactly one wins", async () => {
    h = makeHandoffHarness();
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    const results = await Promise.allSettled([
      h.handoff.claim(id, officer("lan")),
      h.handoff.claim(id, officer("minh")),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const winner = (await h.handoff.store.get(id))!.assignee === officer("lan").id ? "lan" : "minh";
    const other = winner === "lan" ? "minh" : "lan";
    await expect(h.handoff.reply(id, officer(other), "xin chào")).rejects.toThrow();
    // Nor can the other officer close it; its officer can.
    await expect(h.handoff.close(id, officer(other))).rejects.toThrow(/someone else/);
    expect((await h.handoff.store.get(id))!.status).toBe("assigned");
    await h.handoff.close(id, officer(winner));
    expect((await h.handoff.store.get(id))!.status).toBe("closed");
  });

  it("a good answer after misses does not bring a person in", async () => {
    // Sunday: the hotline is closed, so two misses only offer the queue and keep the streak.
    h = makeHandoffHarness({ clock: clock("2026-03-01T02:00:00Z") });
    await h.say("thời tiết ngày mai thế nào");
    const offered = await h.say("kể chuyện cười đi");
    expect(JSON.stringify(offered)).toContain("handoff:queue:");
    const answer = await h.say("đăng ký khai sinh cần giấy tờ gì");
    expect(JSON.stringify(answer)).not.toContain("handoff:queue:");
    expect(await h.handoff.store.openFor("telegram", "u1")).toBeFalsy();
  });

  it("survives a restart: reopened database, still with the human", async () => {
    const file = tempDbFile();
    h = makeHandoffHarness({ file });
    await h.say("gặp tổng đài viên");
    const id = (await h.handoff.store.openFor("telegram", "u1"))!.id;
    await h.handoff.claim(id, officer("lan"));
    h.close();
    h = makeHandoffHarness({ file, clock: clock(OPEN_TIME) });
    expect(await h.say("tôi vẫn chờ")).toEqual([]);
    const t = (await h.handoff.store.get(id))!;
    expect(t.status).toBe("assigned");
    expect((await h.handoff.store.transcript(id)).at(-1)?.text).toBe("tôi vẫn chờ");
    await h.handoff.reply(id, officer("lan"), "Tôi đây");
    expect(h.sent.at(-1)?.message.text).toContain("Tôi đây");
  });
});
