// Full conversations through DialogueCore.handle(), on a real SQLite file with an injected clock.
import { afterEach, describe, expect, it } from "vitest";
import { action, actions, makeHarness, texts, type Harness } from "./helpers.ts";

let h: Harness;
afterEach(() => h?.close());

describe("dialogue: a whole conversation", () => {
  it("question → choices → pick by number → follow-up → 👎 with comment → complaint → status", async () => {
    h = makeHarness();

    const start = await h.say("/start");
    expect(texts(start)).toContain("Xin chào");
    expect(actions(start)).toEqual(["cmd:phananh", "cmd:trangthai", "cmd:hotro"]);

    // Ambiguous: three levels of "Đăng ký kết hôn", offered as buttons.
    const choices = await h.say("đăng ký kết hôn lệ phí bao nhiêu");
    expect(actions(choices)).toEqual(["pick:1.000090", "pick:1.000091", "pick:1.000092"]);
    expect(choices[0]!.buttons![1]![0]!.label).toBe("2. Đăng ký kết hôn – Cấp tỉnh");

    // "2" picks the second; the answer keeps the aspect asked (fee).
    const picked = await h.say("2");
    expect(texts(picked)).toContain("Mã thủ tục: 1.000091");
    expect(texts(picked)).toMatch(/[Pp]hí|Miễn phí/);
    const down = action(picked, "rate:down:");
    expect(action(picked, "rate:up:")).toBe(down.replace("down", "up"));

    // An aspect-only follow-up answers the same procedure.
    const followUp = await h.say("thế mất bao lâu?");
    expect(texts(followUp)).toContain("Mã thủ tục: 1.000091");
    expect(texts(followUp)).toContain("5 ngày làm việc");

    // 👎 on the fee answer, then a comment.
    const asked = await h.press(down);
    expect(texts(asked)).toContain("góp ý");
    expect(actions(asked)).toEqual(["rate:skip"]);
    const thanks = await h.say("Không nói rõ phí cho người nước ngoài, gọi 0912345678");
    expect(texts(thanks)).toContain("Cảm ơn góp ý");
    const [rating] = await h.feedback.ratings.pendingReview();
    expect(rating).toMatchObject({
      channel: "telegram",
      rating: "down",
      procedureCode: "1.000091",
      commentMasked: "Không nói rõ phí cho người nước ngoài, gọi [phone]",
    });
    expect(rating!.questionMasked).toBe("đăng ký kết hôn lệ phí bao nhiêu");

    // A complaint: the intent asks for what happened, then procedure, contact, summary.
    const opened = await h.say("tôi muốn phản ánh");
    expect(texts(opened)).toContain("mô tả sự việc");
    const subject = await h.say(
      "Cán bộ tiếp nhận hồ sơ đòi nộp thêm bản sao giấy tờ không có trong quy định.",
    );
    expect(texts(subject)).toContain("Đăng ký kết hôn (mã 1.000091)");
    expect(actions(subject)).toContain("fb:last");
    const contact = await h.press("fb:last");
    expect(texts(contact)).toContain("số điện thoại hoặc email");
    const summary = await h.say("0912 345 678");
    expect(texts(summary)).toContain("Thủ tục/cơ quan: Đăng ký kết hôn (1.000091)");
    expect(texts(summary)).toContain("Liên hệ: 0912 345 678");
    const send = action(summary, "fb:send:");
    expect(actions(summary)).toEqual([
      send,
      send.replace("send", "edit"),
      send.replace("send", "cancel"),
    ]);

    const filed = await h.press(send);
    const filedText = texts(filed);
    expect(filedText).toContain("Mã phản ánh: PAKN-2026-000001");
    // Received Monday 2/3/2026: 20 days → Sunday 22/3 → rolls to Monday 23/3.
    expect(filedText).toContain("Hạn xử lý: 23/03/2026");
    expect(filedText).toContain("/trangthai PAKN-2026-000001");
    expect(actions(filed)).toEqual(["status:PAKN-2026-000001"]);
    const view = await h.feedback.staffView("PAKN-2026-000001");
    expect(view).toMatchObject({
      channel: "telegram",
      userId: "u1",
      procedureCode: "1.000091",
      contact: "0912 345 678",
      kind: "complaint",
    });

    // Status on the same channel and user: no token needed.
    await h.feedback.changeStatus("PAKN-2026-000001", {
      to: "accepted",
      actor: "staff:lan",
      note: "Đã chuyển Sở Tư pháp",
    });
    const status = await h.say("/trangthai PAKN-2026-000001");
    expect(texts(status)).toContain("Trạng thái: Đã thụ lý");
    expect(texts(status)).toContain("Đã chuyển Sở Tư pháp");
    expect(texts(status)).toContain("Hạn xử lý: 23/03/2026");
    expect(texts(status)).not.toContain("lan");
    // "tra cứu phản ánh PAKN-…" in plain words, and the button, too.
    expect(texts(await h.say("tra cứu phản ánh pakn-2026-000001 giúp tôi"))).toContain(
      "Trạng thái: Đã thụ lý",
    );
    expect(texts(await h.press("status:PAKN-2026-000001"))).toContain("Trạng thái: Đã thụ lý");

    // Someone else: the same "not found" as an unknown reference, until the token is given.
    const other = texts(await h.say("/trangthai PAKN-2026-000001", "u2"));
    const unknown = texts(await h.say("/trangthai PAKN-2026-000999", "u3"));
    expect(other).toBe(unknown.replaceAll("PAKN-2026-000999", "PAKN-2026-000001"));
    expect(other).not.toContain("Trạng thái");
    // Same user id on another channel is another citizen.
    expect(texts(await h.say("/trangthai PAKN-2026-000001", "u1", "zalo"))).toBe(other);

    const token = /Mã tra cứu[^:]*: (\S+)/.exec(filedText)![1]!;
    expect(texts(await h.say("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "u2"))).toContain(
      "với mã tra cứu này",
    );
    await h.say("/trangthai PAKN-2026-000001", "u2");
    expect(texts(await h.say(token, "u2"))).toContain("Trạng thái: Đã thụ lý");
    expect(texts(await h.say(`/trangthai PAKN-2026-000001 ${token}`, "u3"))).toContain(
      "Trạng thái: Đã thụ lý",
    );
  });

  it("a pick button and a typed code keep the aspect; an out-of-range number asks again", async () => {
    h = makeHarness();
    await h.say("kết hôn cần giấy tờ gì");
    expect(texts(await h.say("7"))).toContain("từ 1 đến 3");
    const byButton = await h.press("pick:1.000092");
    expect(texts(byButton)).toContain("Mã thủ tục: 1.000092");
    expect(texts(byButton)).toMatch(/giấy tờ|hồ sơ/i);

    await h.say("kết hôn mất mấy ngày");
    const byCode = await h.say("1.000090");
    expect(texts(byCode)).toContain("Mã thủ tục: 1.000090");
    expect(texts(byCode)).toContain("5 ngày làm việc");
  });

  it("an aspect-only follow-up before choosing changes what the choice answers", async () => {
    h = makeHarness();
    await h.say("đăng ký kết hôn");
    const again = await h.say("thế lệ phí bao nhiêu?");
    expect(texts(again)).toContain("trả lời về phí, lệ phí");
    expect(actions(again)).toEqual(["pick:1.000090", "pick:1.000091", "pick:1.000092"]);
    const picked = await h.say("1");
    expect(texts(picked)).toContain("Mã thủ tục: 1.000090");
    expect(texts(picked)).toContain("Miễn phí");
    expect(texts(picked)).not.toContain("Hình thức nộp");
  });

  it("a new question while choices are pending is asked, not taken as a pick", async () => {
    h = makeHarness();
    await h.say("kết hôn lệ phí");
    const other = await h.say("làm hộ chiếu cần gì");
    expect(texts(other)).toContain("Mã thủ tục: 2.002001");
    // The choices are gone: "1" is now a plain question.
    expect(texts(await h.say("1"))).not.toContain("Mã thủ tục: 1.000090");
  });

  it("a follow-up that names another procedure is a new question", async () => {
    h = makeHarness();
    await h.say("đăng ký khai sinh");
    const r = await h.say("còn hộ chiếu thì phí bao nhiêu");
    expect(texts(r)).toContain("Mã thủ tục: 2.002001");
    expect(texts(r)).toContain("200.000");
  });

  it("follow-ups expire with the last answer", async () => {
    h = makeHarness();
    await h.say("đăng ký khai sinh");
    h.clock.advanceDays(1);
    const r = await h.say("phí bao nhiêu");
    expect(texts(r)).not.toContain("Mã thủ tục: 1.001193");
  });

  it("👍 records and thanks; rating someone else's answer is refused", async () => {
    h = makeHarness();
    const answer = await h.say("đăng ký khai sinh");
    const up = action(answer, "rate:up:");
    expect(texts(await h.press(up))).toContain("Cảm ơn bạn đã đánh giá");
    expect(texts(await h.press(up, "intruder"))).toContain("không tìm thấy câu trả lời");
    const n = h.db.prepare("SELECT count(*) AS n FROM answer_ratings").get() as { n: number };
    expect(n.n).toBe(1);
    // 👎 then skip: the rating stays, without comment.
    await h.press(up.replace("up", "down"));
    expect(texts(await h.press("rate:skip"))).toContain("Cảm ơn");
    expect(await h.feedback.ratings.pendingReview()).toMatchObject([
      { rating: "down", commentMasked: null },
    ]);
    // The next message is a question again.
    expect(texts(await h.say("làm hộ chiếu"))).toContain("Mã thủ tục: 2.002001");
  });

  it("/help, unknown commands, /hotro and the handoff intent", async () => {
    h = makeHarness();
    expect(texts(await h.say("/help"))).toContain("/trangthai");
    expect(texts(await h.say("/start@motcua_bot"))).toContain("Xin chào");
    expect(texts(await h.say("/xyz"))).toContain("chưa hiểu lệnh /xyz");
    expect(texts(await h.say("/hotro"))).toContain("1022");
    expect(texts(await h.say("cho tôi gặp nhân viên"))).toContain("1022");
    expect(texts(await h.press("cmd:hotro"))).toContain("1022");
  });

  it("a handed-off conversation gets no answer from the bot", async () => {
    h = makeHarness();
    await h.core.handOver("zalo", "z1");
    expect(await h.say("đăng ký khai sinh", "z1", "zalo")).toEqual([]);
    await h.core.handBack("zalo", "z1");
    expect(texts(await h.say("đăng ký khai sinh", "z1", "zalo"))).toContain("1.001193");
  });
});

describe("dialogue: complaints", () => {
  it("/phananh with the text at once; skip the optional steps; proposals are named as such", async () => {
    h = makeHarness();
    const r = await h.say("/kiennghi Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa phường.");
    expect(texts(r)).toContain("Kiến nghị này liên quan");
    await h.press("fb:skip");
    const summary = await h.press("fb:skip");
    expect(texts(summary)).toContain("Thủ tục/cơ quan: (không nêu)");
    expect(texts(summary)).toContain("Liên hệ: (không nêu)");
    const filed = await h.say("gửi");
    expect(texts(filed)).toContain("Đã gửi kiến nghị");
    expect(await h.feedback.staffView("PAKN-2026-000001")).toMatchObject({
      kind: "proposal",
      contact: null,
      procedureCode: null,
    });
  });

  it("a complaint told in one message becomes the text; the office is typed", async () => {
    h = makeHarness();
    const r = await h.say("Cán bộ một cửa xã hạch sách, đòi tiền mới nhận hồ sơ khai sinh của tôi");
    expect(texts(r)).toContain("liên quan đến thủ tục hoặc cơ quan nào");
    await h.say("UBND xã Tân Lập");
    await h.say("bỏ qua");
    await h.press(action(await h.say("sửa"), "fb:field:contact"));
    const summary = await h.say("an@example.vn");
    expect(texts(summary)).toContain("Thủ tục/cơ quan: UBND xã Tân Lập");
    expect(texts(summary)).toContain("Liên hệ: an@example.vn");
    await h.press(action(summary, "fb:send:"));
    expect(await h.feedback.staffView("PAKN-2026-000001")).toMatchObject({
      agency: "UBND xã Tân Lập",
      routedBy: "citizen",
      contact: "an@example.vn",
      text: "Cán bộ một cửa xã hạch sách, đòi tiền mới nhận hồ sơ khai sinh của tôi",
    });
  });

  it("a typed procedure code is checked against the catalogue", async () => {
    h = makeHarness();
    await h.say("/phananh Hồ sơ nộp trực tuyến bị trả lại mà không nêu lý do.");
    expect(texts(await h.say("9.999999"))).toContain("Không có thủ tục mã 9.999999");
    expect(texts(await h.say("mã 1.001193"))).toContain("số điện thoại hoặc email");
    const summary = await h.press("fb:skip");
    expect(texts(summary)).toContain("Thủ tục/cơ quan: Đăng ký khai sinh (1.001193)");
  });

  it("empty, short, huge and odd inputs get a clear message and file nothing", async () => {
    h = makeHarness();
    await h.say("/phananh");
    expect(texts(await h.say("   "))).toContain("mô tả sự việc");
    expect(texts(await h.say("🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"))).toContain("mô tả sự việc");
    expect(texts(await h.say("tệ quá"))).toContain("hơi ngắn");
    const huge = "Cán bộ làm chậm hồ sơ. ".repeat(400);
    expect(texts(await h.say(huge))).toContain("quá dài");
    await h.say("Hồ sơ của tôi bị giữ quá hạn ba tuần mà không có lý do.");
    expect(texts(await h.say("x".repeat(301)))).toContain("quá dài");
    await h.press("fb:skip");
    expect(texts(await h.say("y".repeat(201)))).toContain("quá dài");
    // Anything typed at the summary other than gửi / sửa / hủy: a reminder, nothing sent.
    await h.press("fb:skip");
    const reminder = await h.say("chắc chưa nhỉ");
    expect(texts(reminder)).toContain('bấm "Gửi"');
    const count = () =>
      (h.db.prepare("SELECT count(*) AS n FROM feedback_cases").get() as { n: number }).n;
    expect(count()).toBe(0);
    expect(texts(await h.say("hủy"))).toContain("Đã hủy");
    expect(count()).toBe(0);
    // The old buttons no longer send anything.
    expect(texts(await h.press(action(reminder, "fb:send:")))).toContain("đã hủy hoặc hết hạn");
    expect(count()).toBe(0);
  });

  it('"Gửi" twice, even at the same moment, files one case', async () => {
    h = makeHarness();
    await h.say("/phananh Bộ phận một cửa không nhận hồ sơ giấy dù tôi không dùng được máy tính.");
    await h.press("fb:skip");
    const summary = await h.press("fb:skip");
    const send = action(summary, "fb:send:");
    const [a, b] = await Promise.all([h.press(send), h.press(send)]);
    const again = await h.press(send);
    expect(texts(a)).toContain("Mã phản ánh: PAKN-2026-000001");
    expect(texts(b)).toContain("đã được gửi rồi, mã PAKN-2026-000001");
    expect(texts(again)).toContain("đã được gửi rồi, mã PAKN-2026-000001");
    expect(texts(again)).not.toContain("Mã tra cứu");
    const n = h.db.prepare("SELECT count(*) AS n FROM feedback_cases").get() as { n: number };
    expect(n.n).toBe(1);
    // /trangthai without a reference offers the cases filed here.
    expect(actions(await h.say("/trangthai"))).toEqual(["status:PAKN-2026-000001"]);
  });

  it("a failure while filing keeps the draft and files nothing twice", async () => {
    h = makeHarness();
    let fail = true;
    const fileCase = h.feedback.fileCase;
    h.feedback.fileCase = (input, tx) => {
      if (fail) return Promise.reject(new Error("disk full"));
      return fileCase(input, tx);
    };
    await h.say("/phananh Hồ sơ đất đai của tôi quá hạn hai tháng chưa có kết quả.");
    await h.press("fb:skip");
    const send = action(await h.press("fb:skip"), "fb:send:");
    const failed = await h.press(send);
    expect(texts(failed)).toContain("chưa gửi được");
    fail = false;
    expect(texts(await h.press(send))).toContain("Mã phản ánh: PAKN-2026-000001");
    expect(texts(await h.press(send))).toContain("đã được gửi rồi");
  });
});
