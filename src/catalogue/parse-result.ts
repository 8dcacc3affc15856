import { normalizeText } from "../text/index.ts";
import { cleanCell } from "./cells.ts";

/** The portal's agency picker that the crawler caught after the result section. */
const PICKER = /Chọn cơ quan thực hiện[\s\S]*$/u;
/** "Mã: KQ.G15.000031", "Mã: 000.00.00.G11-KQ1711", "Mã: Chưa xác định": the result's code. */
const RESULT_CODE = /\s*Mã:\s*(?:Chưa xác định(?: rõ)?|[\w.-]*\d)/gu;

/**
 * Cleans "Kết quả xử lý": "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tinMô tảKhông
 * có thông tin…" → "Giấy khai sinh". Several results become one per line; a real "Mô tả" is kept
 * on its own line, keywords are dropped.
 */
export function parseResult(raw: string): string {
  let text = normalizeText(raw).replace(PICKER, "");
  let description = "";
  const keywordsAt = text.lastIndexOf("Từ khóa");
  if (keywordsAt >= 0) {
    const after = text.slice(keywordsAt + "Từ khóa".length);
    const descAt = after.indexOf("Mô tả");
    if (descAt >= 0) description = cleanCell(after.slice(descAt + "Mô tả".length));
    text = text.slice(0, keywordsAt);
  }
  const results = text
    .split(RESULT_CODE)
    .map((r) => cleanCell(r))
    .filter((r) => r !== "");
  return [...results, description].filter((r) => r !== "").join("\n");
}
