import { describe, expect, it } from "vitest";
import { loadAspectRules } from "../../src/assistant/index.ts";
import {
  createFollowUpDetector,
  loadDialogueTemplates,
  validateDialogueTemplates,
} from "../../src/dialogue/index.ts";
import { DataFileError } from "../../src/errors.ts";

describe("dialogue templates", () => {
  it("the shipped templates and labels load", () => {
    const t = loadDialogueTemplates();
    expect(t.texts["fb-filed"]).toContain("{ref}");
    expect(t.labels.rateUp).toContain("👍");
  });

  it("a missing file, an unknown placeholder and a bad label are all reported", () => {
    const { texts, labels } = loadDialogueTemplates();
    const broken = { ...texts, help: undefined, "fb-filed": "Mã {reff}" };
    try {
      validateDialogueTemplates(broken, { ...labels, send: "" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataFileError);
      const problems = (err as DataFileError).problems.join("\n");
      expect(problems).toContain("help: missing or empty");
      expect(problems).toContain("fb-filed: unknown placeholder {reff}");
      expect(problems).toContain("labels.json: send");
    }
  });
});

describe("aspect-only follow-ups", () => {
  const d = createFollowUpDetector(loadAspectRules(), ["thế", "còn", "thì", "bao", "nhiêu", "gì"]);

  it.each([
    "thế phí bao nhiêu?",
    "cần giấy tờ gì",
    "Mất bao lâu",
    "nộp ở đâu",
    "the phi bao nhieu",
  ])("%s is a follow-up", (text) => expect(d.isAspectOnly(text)).toBe(true));

  it.each(["", "???", "còn hộ chiếu thì phí bao nhiêu", "đăng ký kết hôn cần gì", "xin chào"])(
    "%s is not",
    (text) => expect(d.isAspectOnly(text)).toBe(false),
  );
});
