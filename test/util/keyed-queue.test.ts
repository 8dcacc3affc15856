// One helper serialises by key everywhere (dialogue turns, hand-off tickets, the staff desk, Zalo
// webhooks): same key in order, different keys in parallel, a failure does not stop the key.
import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "../../src/util/index.ts";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("createKeyedQueue", () => {
  it("runs one key's tasks in order, other keys meanwhile, and gives each task's result", async () => {
    const q = createKeyedQueue<string>();
    const log: string[] = [];
    const gate = deferred();
    const a1 = q.run("a", async () => {
      await gate.promise;
      log.push("a1");
      return 1;
    });
    const a2 = q.run("a", () => {
      log.push("a2");
      return 2;
    });
    const b1 = q.run("b", () => {
      log.push("b1");
      return "b";
    });
    expect(await b1).toBe("b");
    expect(log).toEqual(["b1"]);
    expect(q.size()).toBe(2);
    gate.resolve();
    expect(await Promise.all([a1, a2])).toEqual([1, 2]);
    expect(log).toEqual(["b1", "a1", "a2"]);
    expect(q.size()).toBe(0);
  });

  it("a failing task rejects its own run only; the key's next task runs", async () => {
    const q = createKeyedQueue<number>();
    const failed = q.run(7, () => {
      throw new Error("boom");
    });
    const next = q.run(7, () => "still runs");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("still runs");
  });

  it("push refuses past maxPendingPerKey, reports errors to onError, and idle waits", async () => {
    const errors: string[] = [];
    const q = createKeyedQueue<string>({
      maxPendingPerKey: 2,
      onError: (err, key) => errors.push(`${key}:${(err as Error).message}`),
    });
    const gate = deferred();
    expect(q.push("u", () => gate.promise)).toBe(true);
    expect(q.push("u", () => Promise.reject(new Error("late")))).toBe(true);
    expect(q.push("u", () => Promise.resolve())).toBe(false);
    expect(q.push("v", () => Promise.resolve())).toBe(true);
    gate.resolve();
    await q.idle();
    expect(errors).toEqual(["u:late"]);
    expect(q.size()).toBe(0);
    expect(q.push("u", () => Promise.resolve())).toBe(true);
    await q.idle();
  });
});
