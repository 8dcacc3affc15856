import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.ts";
import { FeedbackInputError } from "../../src/feedback/index.ts";
import { makeQueue } from "./helpers.ts";

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

describe("rateAnswer", () => {
  it("stores 👍/👎 per answer; rating again replaces; 👎 waits for review, masked", () => {
    const { db, queue, clock } = makeQueue();
    open.push(db);
    const base = { channel: "telegram", userId: "t1", answerId: "msg-100" };
    const up = queue.rateAnswer({ ...base, rating: "up", question: "làm căn cước ở đâu" });
    expect(up).toMatchObject({ rating: "up", commentMasked: null });
    clock.advanceDays(1);
    const down = queue.rateAnswer({
      ...base,
      rating: "down",
      comment: "Sai địa chỉ, gọi lại tôi 0912345678",
      procedureCode: "1.001193",
    });
    expect(down.id).toBe(up.id);
    // The raw comment (with the phone number) is not kept anywhere in the row.
    const row = db.prepare("SELECT * FROM answer_ratings WHERE id = ?").get(down.id);
    expect(JSON.stringify(row)).not.toContain("0912345678");
    expect(down).toMatchObject({
      rating: "down",
      commentMasked: "Sai địa chỉ, gọi lại tôi [phone]",
      questionMasked: "làm căn cước ở đâu",
      procedureCode: "1.001193",
    });
    queue.rateAnswer({ ...base, answerId: "msg-101", rating: "up" });
    expect(queue.ratings.pendingReview().map((r) => r.answerId)).toEqual(["msg-100"]);
    expect(queue.ratings.markReviewed(down.id)).toBe(true);
    expect(queue.ratings.markReviewed(down.id)).toBe(false);
    expect(queue.ratings.pendingReview()).toEqual([]);
  });

  it("refuses a bad rating or answer id", () => {
    const { db, queue } = makeQueue();
    open.push(db);
    const base = { channel: "web", userId: "u", answerId: "a1" };
    expect(() => queue.rateAnswer({ ...base, rating: "meh" as "up" })).toThrow(FeedbackInputError);
    expect(() => queue.rateAnswer({ ...base, answerId: "", rating: "up" })).toThrow(/answerId/);
    expect(() => queue.rateAnswer({ ...base, rating: "down", comment: "x".repeat(1001) })).toThrow(
      /comment/,
    );
  });
});
