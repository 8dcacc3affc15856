/**
 * Writes data/statutory-holidays.json: Vietnam's statutory public holidays for 2000–2100 as the
 * `date-holidays` package computes them (src/calendar/statutory.ts reads the table and loads the
 * package only for other years). Run after upgrading date-holidays:
 *   npx tsx scripts/statutory-holidays.ts
 */
import { writeFileSync } from "node:fs";
import { STATUTORY_TABLE_FILE, statutoryTable } from "../src/calendar/index.ts";

const table = statutoryTable(2000, 2100);
const lines = Object.entries(table.years).map(([y, days]) => `    "${y}": ${JSON.stringify(days)}`);
writeFileSync(
  STATUTORY_TABLE_FILE,
  `{\n  "source": ${JSON.stringify(table.source)},\n  "years": {\n${lines.join(",\n")}\n  }\n}\n`,
);
console.log(`${STATUTORY_TABLE_FILE}: ${lines.length} years`);
