/** The quarterly report as CSV (UTF-8 with BOM, for Excel) or as an .xlsx workbook. */
import type { QuarterlyReport, ReportRow } from "./report.ts";

export const REPORT_COLUMNS: { key: keyof ReportRow; title: string }[] = [
  { key: "agency", title: "Cơ quan" },
  { key: "received", title: "Tiếp nhận trong kỳ" },
  { key: "handledOnTime", title: "Đã xử lý đúng hạn" },
  { key: "handledLate", title: "Đã xử lý quá hạn" },
  { key: "rejected", title: "Trong đó: không thụ lý" },
  { key: "pendingOnTime", title: "Đang xử lý trong hạn" },
  { key: "pendingOverdue", title: "Đang xử lý quá hạn" },
];

export const UNASSIGNED_LABEL = "(chưa phân công)";

const label = (r: ReportRow) => (r.agency === "" ? UNASSIGNED_LABEL : r.agency);

/** Quotes when needed; a leading = + - @ is defused so a spreadsheet does not run it. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportToCsv(report: QuarterlyReport): string {
  const lines = [REPORT_COLUMNS.map((c) => csvCell(c.title)).join(",")];
  for (const r of [...report.rows, report.total]) {
    lines.push(
      REPORT_COLUMNS.map((c) => csvCell(c.key === "agency" ? label(r) : r[c.key])).join(","),
    );
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function reportToXlsx(report: QuarterlyReport): Promise<Buffer> {
  // Loaded here: only the xlsx export needs it, and it weighs tens of MB in a running server.
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "motcua";
  const ws = wb.addWorksheet(`PAKN ${report.quarter}`);
  ws.addRow([`Tình hình tiếp nhận, xử lý phản ánh, kiến nghị — quý ${report.quarter}`]).font = {
    bold: true,
  };
  ws.addRow([`Số liệu tính đến: ${report.asOf}`]);
  ws.addRow([]);
  const header = ws.addRow(REPORT_COLUMNS.map((c) => c.title));
  header.font = { bold: true };
  for (const r of report.rows)
    ws.addRow(REPORT_COLUMNS.map((c) => (c.key === "agency" ? label(r) : r[c.key])));
  ws.addRow(REPORT_COLUMNS.map((c) => report.total[c.key])).font = { bold: true };
  ws.getColumn(1).width = 60;
  for (let i = 2; i <= REPORT_COLUMNS.length; i++) ws.getColumn(i).width = 18;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
