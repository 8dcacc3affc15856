/** A scripted dialogue core, deferred promises and a throwaway database for the channel tests. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DialogueCore, IncomingMessage, OutgoingMessage } from "../../src/channels/types.ts";
import {
  createSqliteSql,
  openDatabase,
  type Database,
  type SqlDatabase,
} from "../../src/db/index.ts";

export const PORTAL_URL =
  "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193";

export const CHOICES: OutgoingMessage = {
  text: "Bạn muốn hỏi thủ tục nào?",
  buttons: [
    [{ label: "1. Đăng ký khai sinh", action: "pick:1.001193" }],
    [{ label: "2. Đăng ký khai sinh có yếu tố nước ngoài", action: "pick:1.001695" }],
    [{ label: "bị loại: không phải ASCII", action: "chọn thủ tục" }],
  ],
};

export const DETAIL: OutgoingMessage = {
  text: `Đăng ký khai sinh (mã 1.001193)\nHồ sơ: tờ khai, giấy chứng sinh.\nXem chi tiết: ${PORTAL_URL}`,
  buttons: [
    [
      { label: "👍", action: "rate:up:a1" },
      { label: "👎", action: "rate:down:a1" },
    ],
  ],
};

/** An answer of about 9,500 characters: three Telegram messages, five Zalo ones. */
export const LONG_TEXT = Array.from(
  { length: 60 },
  (_, i) => `Bước ${i + 1}: nộp hồ sơ tại bộ phận một cửa, xem ${PORTAL_URL} để biết thêm.`,
).join("\n");

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface ScriptedCore extends DialogueCore {
  calls: IncomingMessage[];
  /** Hold a user's message until the gate opens (per text). */
  gates: Map<string, Deferred>;
  /** Resolves when the core has received `n` messages matching `predicate`. */
  received(predicate: (m: IncomingMessage) => boolean, n?: number): Promise<void>;
}

export function scriptedCore(): ScriptedCore {
  const calls: IncomingMessage[] = [];
  const gates = new Map<string, Deferred>();
  let waiters: { check: () => boolean; resolve: () => void }[] = [];
  return {
    calls,
    gates,
    received(predicate, n = 1) {
      return new Promise((resolve) => {
        const check = () => calls.filter(predicate).length >= n;
        if (check()) resolve();
        else waiters.push({ check, resolve });
      });
    },
    async handle(msg) {
      calls.push(msg);
      waiters = waiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
      const gate = msg.text !== undefined ? gates.get(msg.text) : undefined;
      if (gate) await gate.promise;
      if (msg.action !== undefined) {
        if (msg.action === "pick:1.001193") return [DETAIL];
        if (msg.action.startsWith("rate:")) return [{ text: "Cảm ơn bạn đã đánh giá." }];
        return [{ text: `Không rõ lựa chọn ${msg.action}` }];
      }
      const text = msg.text ?? "";
      if (text === "/start") return [{ text: "Xin chào! Tôi là trợ lý thủ tục hành chính." }];
      if (text.includes("khai sinh")) return [CHOICES];
      if (text === "dài") return [{ text: LONG_TEXT, buttons: DETAIL.buttons! }];
      if (text === "boom") throw new Error("core exploded");
      if (text === "hai tin") return [{ text: "Tin một" }, { text: "Tin hai" }];
      return [{ text: `Bạn hỏi: ${text}` }];
    },
  };
}

export function tempDb(): Database {
  const dir = mkdtempSync(path.join(tmpdir(), "motcua-channels-"));
  return openDatabase(path.join(dir, "motcua.sqlite"));
}

/** The SqlDatabase the channels use, on the file of `db` (a second connection, as in main.ts). */
export function sqlOn(db: Database): SqlDatabase {
  return createSqliteSql({ file: db.name });
}

export function count(db: Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** The words of texts, however they were split. */
export const words = (texts: string[]) => texts.join(" ").split(/\s+/).filter(Boolean);
