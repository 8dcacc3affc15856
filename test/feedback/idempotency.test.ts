/**
 * Filing once per Idempotency-Key (`fileCaseOnce`, src/feedback/idempotency.ts), on both engines:
 * a retry with the same key and input files nothing and gets the case with a new token (the old
 * one refused); another input is refused; the window; only hashes stored; and two instances on one
 * database filing with one key at once: one case, the other a replay, no reference skipped.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { SqlDatabase } from "../../src/db/index.ts";
import {
  CaseNotFoundError,
  IDEMPOTENCY_WINDOW_MS,
  IdempotencyKeyReusedError,
  type FeedbackStore,
  type FileCaseInput,
} from "../../src/feedback/index.ts";
import { ENGINES, type TestEngine } from "../helpers/engines.ts";
import { TEXT, clock, storeOn } from "./helpers.ts";

const KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324";
const INPUT: FileCaseInput = {
  channel: "web",
  userId: "api-1",
  text: TEXT,
  procedureCode: "1.001193",
  contact: "0912 345 678",
};

const opened: SqlDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function instances(engine: TestEngine, n: number): Promise<SqlDatabase[]> {
  const target = await engine.target();
  const dbs: SqlDatabase[] = [];
  for (let i = 0; i < n; i++) dbs.push(await target.open());
  opened.push(...dbs);
  return dbs;
}

const count = async (sql: SqlDatabase, table: string) =>
  Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);

const lastNumber = async (sql: SqlDatabase) =>
  Number((await sql.get<{ last: number }>("SELECT last FROM feedback_sequences"))!.last);

async function refused(store: FeedbackStore, ref: string, token: string): Promise<boolean> {
  return store.citizenView(ref, token).then(
    () => false,
    (e: unknown) => e instanceof CaseNotFoundError,
  );
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`Idempotency-Key filing on ${engine.name}`, () => {
    it("the same key and input again: no second case, the same receipt, a new token", async () => {
      const [sql] = await instances(engine, 1);
      const c = clock("2026-03-02T02:00:00Z");
      const store = storeOn(sql!, c);
      const first = await store.fileCaseOnce(INPUT, KEY);
      expect(first.replayed).toBe(false);
      c.set("2026-03-02T05:00:00Z");
      // Cleaning gives the same validated input: trailing spaces do not make another request.
      const again = await store.fileCaseOnce({ ...INPUT, text: `${TEXT}  ` }, KEY);
      expect(again.replayed).toBe(true);
      const { token: t1, ...receipt } = first.filed;
      const { token: t2, ...replayed } = again.filed;
      expect(replayed).toEqual(receipt);
      expect(receipt).toMatchObject({ dueDate: "2026-03-23", agency: "UBND cấp xã" });
      expect(t2).not.toBe(t1);
      expect(await count(sql!, "feedback_cases")).toBe(1);
      expect(await count(sql!, "feedback_history")).toBe(1);
      expect(await lastNumber(sql!)).toBe(1);
      // The lost answer's token stops working; the new one works.
      expect(await refused(store, receipt.ref, t1)).toBe(true);
      expect((await store.citizenView(receipt.ref, t2)).ref).toBe(receipt.ref);
      // A replay gives the case as it stands.
      await store.changeStatus(receipt.ref, { to: "accepted", actor: "staff:lan" });
      const third = await store.fileCaseOnce(INPUT, KEY);
      expect(third.filed).toMatchObject({ ref: receipt.ref, status: "accepted" });
      expect(await refused(store, receipt.ref, t2)).toBe(true);
      // A plain fileCase, and another key, file their own cases.
      expect((await store.fileCase(INPUT)).ref).toBe("PAKN-2026-000002");
      expect((await store.fileCaseOnce(INPUT, `${KEY}-2`)).filed.ref).toBe("PAKN-2026-000003");
    });

    it("the same key with another input: refused, nothing filed, the first case untouched", async () => {
      const [sql] = await instances(engine, 1);
      const store = storeOn(sql!, clock("2026-03-02T02:00:00Z"));
      const first = await store.fileCaseOnce(INPUT, KEY);
      const before = await store.byRef(first.filed.ref);
      for (const other of [
        { ...INPUT, text: `${TEXT} Thêm một câu.` },
        { ...INPUT, contact: null },
        { ...INPUT, kind: "proposal" as const },
        { ...INPUT, userId: "api-2" },
      ]) {
        const err = await store.fileCaseOnce(other, KEY).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IdempotencyKeyReusedError);
        expect(err).toMatchObject({ code: "idempotency_key_reused" });
      }
      expect(await count(sql!, "feedback_cases")).toBe(1);
      expect(await lastNumber(sql!)).toBe(1);
      expect(await store.byRef(first.filed.ref)).toEqual(before);
      expect((await store.citizenView(first.filed.ref, first.filed.token)).status).toBe("received");
      // A key is the channel's own: the same one on another channel is another key.
      const zalo = await store.fileCaseOnce({ ...INPUT, channel: "zalo" }, KEY);
      expect(zalo).toMatchObject({ replayed: false, filed: { ref: "PAKN-2026-000002" } });
    });

    it("the key stands for its window, then files anew; only hashes are stored", async () => {
      const [sql] = await instances(engine, 1);
      const c = clock("2026-03-02T02:00:00Z");
      const store = storeOn(sql!, c);
      const first = (await store.fileCaseOnce(INPUT, KEY)).filed;
      c.set(new Date(Date.parse(first.receivedAt) + IDEMPOTENCY_WINDOW_MS - 1).toISOString());
      expect((await store.fileCaseOnce(INPUT, KEY)).replayed).toBe(true);
      const row = (await store.byRef(first.ref))!;
      const sha = (s: string) => createHash("sha256").update(s).digest("hex");
      expect(row.idempotency_key_hash).toBe(sha(`web:${KEY}`));
      expect(row.idempotency_request_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(KEY);

      c.set(new Date(Date.parse(first.receivedAt) + IDEMPOTENCY_WINDOW_MS).toISOString());
      const later = await store.fileCaseOnce({ ...INPUT, text: `${TEXT} Lần hai.` }, KEY);
      expect(later).toMatchObject({ replayed: false, filed: { ref: "PAKN-2026-000002" } });
      // The old case lets the key go; the new one holds it.
      expect(await store.byRef(first.ref)).toMatchObject({
        idempotency_key_hash: null,
        idempotency_request_hash: null,
      });
      expect((await store.byRef(later.filed.ref))!.idempotency_key_hash).toBe(sha(`web:${KEY}`));
      const plain = (await store.byRef((await store.fileCase(INPUT)).ref))!;
      expect(plain.idempotency_key_hash).toBeNull();
    });

    it("bad input is refused before anything else, with or without a key", async () => {
      const [sql] = await instances(engine, 1);
      const store = storeOn(sql!, clock("2026-03-02T02:00:00Z"));
      await expect(store.fileCaseOnce({ ...INPUT, text: "ngắn" }, KEY)).rejects.toMatchObject({
        code: "text_too_short",
      });
      // The refused request did not take the key.
      expect((await store.fileCaseOnce(INPUT, KEY)).replayed).toBe(false);
      expect(await count(sql!, "feedback_cases")).toBe(1);
    });

    describe("two instances on one database", () => {
      it("one key on both at once, among other filings: one case per key, no number lost", async () => {
        const [a, b] = await instances(engine, 2);
        const c = clock("2026-03-02T02:00:00Z");
        const stores = [storeOn(a!, c), storeOn(b!, c)];
        const keys = ["k1", "k1", "k1", "k1", "k2", "k2", "k3", "k4"];
        const results = await Promise.all(
          keys.map((k, i) => stores[i % 2]!.fileCaseOnce(INPUT, k).then((r) => ({ k, ...r }))),
        );
        expect(await count(a!, "feedback_cases")).toBe(4);
        expect(await lastNumber(a!)).toBe(4);
        for (const k of ["k1", "k2", "k3", "k4"]) {
          const mine = results.filter((r) => r.k === k);
          expect(
            mine.filter((r) => !r.replayed),
            k,
          ).toHaveLength(1);
          expect(new Set(mine.map((r) => r.filed.ref)).size, k).toBe(1);
        }
        const refs = new Set(results.map((r) => r.filed.ref));
        expect([...refs].sort()).toEqual([1, 2, 3, 4].map((n) => `PAKN-2026-00000${n}`));
      });

      it.runIf(engine.name === "postgres")(
        "both looked and found no case before either filed: the second is refused by the key and replays",
        async () => {
          const [a, b, holder] = await instances(engine, 3);
          const c = clock("2026-03-02T02:00:00Z");
          const [sa, sb] = [storeOn(a!, c), storeOn(b!, c)];
          await sa.fileCase(INPUT); // the year's counter row, for the holder to lock
          // The holder keeps the year's counter while both filings start: each has looked for the
          // key (nothing yet) and waits on the counter when it lets go, so both insert the key.
          let both!: Promise<Awaited<ReturnType<FeedbackStore["fileCaseOnce"]>>[]>;
          await holder!.transaction(async (tx) => {
            await tx.run("UPDATE feedback_sequences SET last = last WHERE year = 2026");
            both = Promise.all([sa.fileCaseOnce(INPUT, KEY), sb.fileCaseOnce(INPUT, KEY)]);
            for (let waiting = 0; waiting < 2;) {
              await new Promise((resolve) => setImmediate(resolve));
              const row = await holder!.get<{ n: number }>(
                `SELECT count(*) AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              );
              waiting = Number(row!.n);
            }
          });
          const results = await both;
          expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
          expect(results[0]!.filed.ref).toBe("PAKN-2026-000002");
          expect(results[1]!.filed.ref).toBe("PAKN-2026-000002");
          expect(await count(a!, "feedback_cases")).toBe(2);
          // The refused filing gave its number back.
          expect(await lastNumber(a!)).toBe(2);
          // The replay's token is the one that works: it replaced the first answer's.
          const first = results.find((r) => !r.replayed)!.filed;
          const replay = results.find((r) => r.replayed)!.filed;
          expect(await refused(sa, first.ref, first.token)).toBe(true);
          expect((await sb.citizenView(replay.ref, replay.token)).ref).toBe(first.ref);
        },
      );
    });
  });
}
