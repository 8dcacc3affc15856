import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const load = (env: Record<string, string>) => loadConfig(env, { envFile: null, cwd: "/tmp" });

describe("hand-off settings", () => {
  it("reads the staff group id and the hotline hours", () => {
    const c = load({ HOTLINE_STAFF_CHAT_ID: "-1001234567890", HOTLINE_HOURS: "08:00-17:30" });
    expect(c.hotlineStaffChatId).toBe(-1001234567890);
    expect(c.hotlineHours).toBe("08:00-17:30");
    expect(load({}).hotlineStaffChatId).toBeUndefined();
  });
  it("rejects malformed values, naming the key", () => {
    expect(() => load({ HOTLINE_HOURS: "17:00-07:30" })).toThrow(ConfigError);
    expect(() => load({ HOTLINE_HOURS: "8h-17h" })).toThrow(/HOTLINE_HOURS/);
    expect(() => load({ HOTLINE_STAFF_CHAT_ID: "staff" })).toThrow(/HOTLINE_STAFF_CHAT_ID/);
  });
});
