import { describe, expect, it } from "vitest";

import { createIntentDetector, detectIntent, looksOutOfScope } from "../../src/assistant/intent.ts";
import { loadIntentRules, type IntentRules } from "../../src/assistant/rules.ts";

describe("detectIntent", () => {
  it.each([
    "chào bạn",
    "Xin chào!",
    "hi",
    "Hello bot",
    "chao ban",
    "cảm ơn",
    "cam on nhe",
    "Cảm ơn bạn nhiều ạ",
    "thanks",
    "/start",
  ])("greeting: %s", (text) => {
    expect(detectIntent(text)).toBe("greeting");
  });

  it.each([
    "cho gặp người hỗ trợ trực tiếp",
    "gặp tổng đài viên",
    "gap tong dai vien",
    "nói chuyện với người thật",
    "noi chuyen voi nguoi that",
    "/hotro",
    "/hotro@motcua_bot",
    "cho tôi gặp nhân viên",
    "Cho toi gap nhan vien!!",
  ])("handoff: %s", (text) => {
    expect(detectIntent(text)).toBe("handoff");
  });

  it.each([
    "tôi muốn góp ý: thủ tục đăng ký tạm trú online còn rườm rà",
    "toi muon gop y: thu tuc dang ky tam tru online con ruom ra",
    "phản ánh cán bộ tiếp nhận hồ sơ thái độ không tốt",
    "phan anh can bo tiep nhan ho so thai do khong tot",
    "kiến nghị xã mở cửa bộ phận một cửa vào sáng thứ bảy",
    "kien nghi xa mo cua vao sang thu bay",
    "tố cáo cán bộ gây nhũng nhiễu",
    "to cao can bo gay nhung nhieu",
    "cán bộ hẹn mãi không trả kết quả",
    "can bo hen mai khong tra ket qua",
    "Em xin phản ánh: hồ sơ của em trễ hẹn 2 tuần",
    "công chức địa chính có thái độ hách dịch",
  ])("feedback: %s", (text) => {
    expect(detectIntent(text)).toBe("feedback");
  });

  it.each([
    // questions about the complaint procedures themselves
    "khiếu nại công an phường xử phạt sai",
    "khieu nai cong an phuong xu phat sai",
    "thủ tục khiếu nại ở đâu",
    "thu tuc khieu nai o dau",
    "hồ sơ phản ánh kiến nghị gồm những gì",
    "ho so phan anh kien nghi gom nhung gi",
    "phản ánh kiến nghị cần giấy tờ gì",
    "thủ tục tố cáo cán bộ tham nhũng như thế nào",
    "đơn khiếu nại quyết định thu hồi đất nộp ở đâu",
    // ordinary procedure questions
    "chào bạn, làm căn cước lần đầu cần gì",
    "đăng ký khai sinh cần giấy tờ gì",
    "nộp chậm thuế bị phạt bao nhiêu",
    "Tổ hợp xe đầu kéo cần vận chuyển máy biến áp có phải xin giấy phép không",
    "Tôi là cán bộ mới được phân công lập hồ sơ cấp thẻ bảo hiểm y tế với thân nhân",
    // retrieval decides out-of-scope questions
    "thời tiết ngày mai có mưa không",
    "kể chuyện cười đi",
  ])("left to retrieval: %s", (text) => {
    expect(detectIntent(text)).toBeNull();
  });

  it("returns null for empty and symbol-only text", () => {
    expect(detectIntent("")).toBeNull();
    expect(detectIntent("   ")).toBeNull();
    expect(detectIntent("🙂🙂")).toBeNull();
    expect(detectIntent('" * NEAR( OR -')).toBeNull();
  });
});

describe("looksOutOfScope", () => {
  it.each([
    "thời tiết ngày mai có mưa không",
    "thoi tiet ngay mai co mua khong",
    "kể chuyện cười đi",
    "ke chuyen cuoi di",
    "tỷ số trận bóng đá tối qua",
    "kết quả xổ số miền bắc hôm nay",
    "cách nấu phở bò",
    "bạn tên là gì",
  ])("signals %s", (text) => {
    expect(looksOutOfScope(text)).toBe(true);
  });

  it.each([
    "đăng ký khai sinh cần giấy tờ gì",
    "xin giấy phép kinh doanh xổ số",
    "đăng ký kết hôn với người yêu nước ngoài",
    "mua nhà có cần thủ tục gì không",
  ])("no signal for procedure question %s", (text) => {
    expect(looksOutOfScope(text)).toBe(false);
  });
});

describe("createIntentDetector", () => {
  it("uses the rules it is given (staff-edited phrases, accents optional)", () => {
    const rules: IntentRules = structuredClone(loadIntentRules());
    expect(createIntentDetector(rules).detectIntent("alo alo cho xin số ông chủ tịch")).toBeNull();
    rules.handoff.phrases.push("xin số … chủ tịch");
    expect(createIntentDetector(rules).detectIntent("alo alo cho xin số ông chủ tịch")).toBe(
      "handoff",
    );
  });

  it("tells thanks from hello", () => {
    const d = createIntentDetector(loadIntentRules());
    expect(d.detect("cám ơn bạn")?.rule).toBe("thanks");
    expect(d.detect("xin chào")?.rule).toBe("hello");
    expect(d.outOfScopeTopics("thời tiết hôm nay")).toEqual(["weather"]);
  });

  it("rejects a malformed rule file", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "intents-"));
    const file = join(dir, "intents.json");
    writeFileSync(file, JSON.stringify({ greeting: { hello: "chào" } }));
    expect(() => loadIntentRules(file)).toThrow(/Invalid data file .*intents\.json/);
    writeFileSync(file, "{ not json");
    expect(() => loadIntentRules(file)).toThrow(/Invalid data file .*intents\.json/);
  });
});
