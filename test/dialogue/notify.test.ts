// Citizen notifications: the PAKN outbox drained through senders registered per channel; the web
// chat's sender stores messages in an inbox that the page fetches.
import { afterEach, describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../../src/channels/index.ts";
import { PermanentDeliveryError } from "../../src/feedback/index.ts";
import { createInbox, createSenderRegistry, INBOX_KEEP_DAYS } from "../../src/dialogue/index.ts";
import { action, makeHarness, type Harness } from "./helpers.ts";

let h: Harness;
afterEach(() => h?.close());

async function fileFrom(channel: "web" | "telegram", userId: string): Promise<string> {
  await h.core.handle({
    channel,
    userId,
    text: "/phananh Bộ phận một cửa đóng cửa sớm hơn giờ niêm yết.",
  });
  await h.core.handle({ channel, userId, action: "fb:skip" });
  const summary = await h.core.handle({ channel, userId, action: "fb:skip" });
  const filed = await h.core.handle({ channel, userId, action: action(summary, "fb:send:") });
  return /PAKN-\d{4}-\d{6}/.exec(filed[0]!.text)![0];
}

describe("notifications", () => {
  it("a status change reaches the citizen on the channel they used, once", async () => {
    h = makeHarness();
    const registry = createSenderRegistry();
    const dispatcher = registry.dispatcher({ sql: h.sql, now: h.clock.now });
    const ref = await fileFrom("telegram", "t1");
    await h.feedback.changeStatus(ref, {
      to: "accepted",
      actor: "staff:lan",
      note: "Đã giao Phòng Nội vụ",
    });

    // No sender yet: the message waits.
    expect(await dispatcher.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await dispatcher.pending()).toBe(1);

    const sent: { userId: string; message: OutgoingMessage; key?: string }[] = [];
    registry.registerSender("telegram", async (userId, message, meta) => {
      sent.push({ userId, message, key: meta?.idempotencyKey });
    });
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 1 });
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.userId).toBe("t1");
    expect(sent[0]!.key).toBe(`${ref}:v2`);
    expect(sent[0]!.message.text).toContain(`Phản ánh, kiến nghị ${ref}: Đã thụ lý.`);
    expect(sent[0]!.message.text).toContain("Đã giao Phòng Nội vụ");
    expect(sent[0]!.message.text).toContain(`/trangthai ${ref}`);
    expect(sent[0]!.message.buttons).toEqual([
      [{ label: "Xem tình trạng", action: `status:${ref}` }],
    ]);
    // The button works for that user.
    const view = await h.core.handle({
      channel: "telegram",
      userId: "t1",
      action: `status:${ref}`,
    });
    expect(view[0]!.text).toContain("Trạng thái: Đã thụ lý");
  });

  it("a failing sender is retried later; a permanent failure stops", async () => {
    h = makeHarness();
    const registry = createSenderRegistry();
    const dispatcher = registry.dispatcher({ sql: h.sql, now: h.clock.now, onError: () => {} });
    const ref = await fileFrom("telegram", "t1");
    await h.feedback.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    let calls = 0;
    registry.registerSender("telegram", async () => {
      calls++;
      if (calls === 1) throw new Error("502 from Telegram");
    });
    expect(await dispatcher.drainOnce()).toMatchObject({ retried: 1 });
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 0 }); // backing off
    h.clock.advanceDays(1);
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 1 });

    await h.feedback.changeStatus(ref, { to: "in_progress", actor: "staff:lan" });
    registry.registerSender("telegram", async () => {
      throw new PermanentDeliveryError("bot blocked");
    });
    expect(await dispatcher.drainOnce()).toMatchObject({ failed: 1 });
    expect(await dispatcher.pending()).toBe(0);
  });

  it("web: notifications wait in the inbox and are handed out once", async () => {
    h = makeHarness();
    const inbox = createInbox(h.sql, h.clock.now);
    const registry = createSenderRegistry();
    registry.registerSender("web", inbox.sender("web"));
    const dispatcher = registry.dispatcher({ sql: h.sql, now: h.clock.now });
    const ref = await fileFrom("web", "w-session-hash");
    await h.feedback.changeStatus(ref, { to: "accepted", actor: "staff:lan" });
    await h.feedback.changeStatus(ref, {
      to: "answered",
      actor: "staff:lan",
      note: "Đã nhắc nhở bộ phận.",
    });
    // A case's messages go out in order, one per drain.
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 1 });
    expect(await dispatcher.drainOnce()).toMatchObject({ sent: 1 });

    // The same outbox message stored twice (a resend after a crash) is one inbox message.
    await inbox.sender("web")("w-session-hash", { text: "dup" }, { idempotencyKey: `${ref}:v2` });

    expect(await inbox.pending("web", "someone-else")).toBe(0);
    const got = await inbox.take("web", "w-session-hash");
    expect(got.map((m) => m.text.split("\n")[0])).toEqual([
      `Phản ánh, kiến nghị ${ref}: Đã thụ lý.`,
      `Phản ánh, kiến nghị ${ref}: Đã có kết quả xử lý.`,
    ]);
    expect(await inbox.take("web", "w-session-hash")).toEqual([]);
  });

  it("web: the inbox keeps its messages INBOX_KEEP_DAYS, read or not", async () => {
    h = makeHarness();
    const inbox = createInbox(h.sql, h.clock.now);
    const send = inbox.sender("web");
    await send("reader", { text: "đã đọc" });
    await send("nobody", { text: "không ai đọc" });
    expect((await inbox.take("web", "reader")).map((m) => m.text)).toEqual(["đã đọc"]);
    h.clock.advanceDays(INBOX_KEEP_DAYS - 1);
    await send("nobody", { text: "mới" });
    const cutoff = () => new Date(h.clock.now().getTime() - INBOX_KEEP_DAYS * 86_400_000);
    expect(await inbox.prune(cutoff())).toBe(0);
    h.clock.advanceDays(2);
    expect(await inbox.prune(cutoff())).toBe(2);
    expect((await inbox.take("web", "nobody")).map((m) => m.text)).toEqual(["mới"]);
  });
});
