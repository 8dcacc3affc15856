/**
 * Child process of durability.test.ts: files PAKN cases as fast as it can against the SQLite file
 * given as argument and prints each reference only after fileCase resolved (the commit is done).
 * It never stops by itself: the test kills it with SIGKILL.
 */
import { loadCalendar } from "../../src/calendar/index.ts";
import { createSqliteSql } from "../../src/db/index.ts";
import {
  createDeadlineCalculator,
  createFeedbackStore,
  createProcedureDirectory,
  loadRules,
} from "../../src/feedback/index.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: burst-child.ts DB_FILE");
const calendar = loadCalendar();
const store = createFeedbackStore({
  sql: createSqliteSql({ file }),
  now: () => new Date(),
  deadlines: createDeadlineCalculator(loadRules(), calendar),
  calendar,
  procedures: createProcedureDirectory([{ code: "1.001193", agencies: ["UBND cấp xã"] }]),
});
process.stdout.write("ready\n");
for (let i = 0; ; i++) {
  const { ref } = await store.fileCase({
    channel: "web",
    userId: `burst-${process.pid}-${i}`,
    text: `Phản ánh thử số ${i}: hồ sơ bị trả lại không rõ lý do.`,
    ...(i % 3 === 0 ? { procedureCode: "1.001193" } : {}),
  });
  // stdout to a pipe is synchronous on Linux: the line is in the pipe before the next case.
  process.stdout.write(`${ref}\n`);
}
