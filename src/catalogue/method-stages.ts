import { normalizeText } from "../text/index.ts";
import type { SubmissionMethod } from "./types.ts";
import { durationsIn } from "./parse-time.ts";

type Channel = SubmissionMethod["channel"];

/**
 * Words that name a case ("Trường hợp …", "Đối với …", "Nếu …"): rows with such descriptions
 * are alternatives, one per case, not successive stages.
 */
const CASE_WORDS = /trường hợp|đối với|\bnếu\b/iu;

type Time = SubmissionMethod["time"];

function key(description: string): string {
  return normalizeText(description).replace(/\s+/gu, " ").trim();
}

/** How much of two texts is the same: their common start plus their common end. */
function shared(a: string, b: string): number {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === b[b.length - 1 - end]
  ) {
    end++;
  }
  return start + end;
}

/** The description states the row's own time ("+ Trong thời hạn 02 ngày làm việc kể từ …"). */
function statesTime(description: string, time: Time): boolean {
  if (!time || !(time.amount > 0) || time.unit === "") return false;
  return durationsIn(description).some(
    (d) => d.amount === time.amount && d.unit === time.unit && d.workingDays === time.workingDays,
  );
}

/**
 * Stages of a procedure that the portal lists as repeated channel rows: the same set of (two or
 * more) channels once per stage, each block with one description shared by its rows and a
 * different one from the other blocks ("Trực tuyến, Bưu chính, Trực tiếp — 2 ngày — + Trong thời
 * hạn 02 ngày làm việc …, Công an cấp huyện gửi văn bản …", then "Trực tiếp, Trực tuyến, Bưu
 * chính — 3 ngày — + Trong thời hạn 03 ngày làm việc …, Cục Quản lý xuất nhập cảnh gửi thông
 * báo …"). Returns the stage of each row from 1, or null.
 *
 * Conservative, since the same layout also lists alternatives (one block per case): each block's
 * description must state that block's time, no description may name a case ("Trường hợp",
 * "Đối với", "Nếu"), and the blocks' descriptions must not be one text with a different label
 * (sharing half of it at its start and end); a single channel repeated gives null.
 */
export function detectStages(
  rows: ReadonlyArray<{ channel: Channel; description: string; time: Time }>,
): number[] | null {
  const channels = new Set(rows.map((r) => r.channel));
  const size = channels.size;
  if (size < 2 || rows.length < 2 * size || rows.length % size !== 0) return null;
  const blocks: string[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const block = rows.slice(start, start + size);
    if (new Set(block.map((r) => r.channel)).size !== size) return null;
    const descriptions = new Set(block.map((r) => key(r.description)));
    const [description] = [...descriptions];
    if (descriptions.size !== 1 || description === undefined || description === "") return null;
    if (CASE_WORDS.test(description)) return null;
    if (!block.every((r) => statesTime(r.description, r.time))) return null;
    blocks.push(description);
  }
  if (new Set(blocks).size !== blocks.length) return null;
  for (let i = 1; i < blocks.length; i++) {
    const [a = "", b = ""] = [blocks[i - 1], blocks[i]];
    if (shared(a, b) * 2 >= Math.min(a.length, b.length)) return null;
  }
  return rows.map((_, i) => Math.floor(i / size) + 1);
}
