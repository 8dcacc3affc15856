// Reminder digests link each PAKN item to its case page on the officials' desk.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { caseUrl, renderDigest, type DeliveryRow } from "../../src/reminders/index.ts";

const row = (id: number, kind: DeliveryRow["kind"], item: string, title: string): DeliveryRow => ({
  id,
  chat_id: "-100",
  kind,
  item,
  period: "c1",
  agency: "STP",
  due: "2026-03-19",
  title,
  status: "claimed",
  claimed_at: "2026-03-16T02:00:00.000Z",
  sent_at: null,
  message_id: null,
});

describe("digest links", () => {
  it("a PAKN item gets the link of its case page; a report does not", () => {
    const digest = renderDigest(
      [
        {
          row: row(1, "pakn_due_soon", "PAKN-2026-000006", "PAKN-2026-000006: Chậm cấp"),
          daysLeft: 3,
        },
        { row: row(2, "report", "q-district", "Báo cáo quý"), daysLeft: 5 },
      ],
      { code: "STP", name: "Sở Tư pháp", level: "department" },
      "2026-03-16",
      { top: 5, consoleUrl: "https://motcua.example.gov.vn/staff/" },
    );
    const lines = digest.text.split("\n");
    const at = lines.findIndex((l) => l.includes("Chậm cấp"));
    expect(lines[at + 1]).toBe(
      "   Mở hồ sơ: https://motcua.example.gov.vn/staff/pakn/PAKN-2026-000006",
    );
    expect(digest.text.match(/Mở hồ sơ/g)).toHaveLength(1);
    expect(digest.text).toContain("Xem đầy đủ: https://motcua.example.gov.vn/staff/");
    // Without a console URL, no links at all.
    const bare = renderDigest(
      [{ row: row(1, "pakn_overdue", "PAKN-2026-000001", "x"), daysLeft: -1 }],
      undefined,
      "2026-03-16",
      { top: 5 },
    );
    expect(bare.text).not.toContain("Mở hồ sơ");
  });

  it("caseUrl and PUBLIC_BASE_URL", () => {
    expect(caseUrl("https://a.gov.vn/staff", "PAKN-2026-000001")).toBe(
      "https://a.gov.vn/staff/pakn/PAKN-2026-000001",
    );
    const noFile = { envFile: null, cwd: "/srv/motcua" };
    expect(
      loadConfig({ PUBLIC_BASE_URL: "https://motcua.tinh.gov.vn/" }, noFile).publicBaseUrl,
    ).toBe("https://motcua.tinh.gov.vn");
    expect(loadConfig({}, noFile).publicBaseUrl).toBeUndefined();
    expect(() => loadConfig({ PUBLIC_BASE_URL: "motcua.gov.vn" }, noFile)).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });
});
