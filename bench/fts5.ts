/**
 * SQLite FTS5 as a peer: an in-memory better-sqlite3 database holding one FTS5 table over the text
 * fields our retriever indexes, cut as it cuts them (procedureFields), tokenized by unicode61 with
 * remove_diacritics 2 and ranked by bm25() with our field weights (SEARCH_FIELDS: name 1, field
 * 0.25, result 0.2, the others 0.1). remove_diacritics folds tones and vowel marks but not đ → d,
 * so "dang ky" does not match "đăng ký"; no other folding, synonyms or reranking.
 */
import Database from "better-sqlite3";
import { MAX_QUERY_CHARS, SEARCH_FIELDS } from "../src/search/index.ts";

/** Words of a question: runs of letters and digits; everything else (FTS5 syntax too) separates. */
const WORD = /[\p{L}\p{N}]+/gu;
/** Distinct words sent at most (a question is at most MAX_QUERY_CHARS long anyway). */
const MAX_WORDS = 64;

/**
 * The question as an FTS5 query that cannot be a syntax error: its distinct words, each in double
 * quotes (so AND, OR, NOT, NEAR and column names are plain words), joined by OR. Only letters and
 * digits get through, so no quote, star, caret, colon, bracket or sign reaches FTS5. Null when the
 * question has no word (nothing to search for).
 */
export function fts5Query(question: string): string | null {
  const text = question.slice(0, MAX_QUERY_CHARS).normalize("NFC").toLowerCase();
  const words = [...new Set(text.match(WORD) ?? [])].slice(0, MAX_WORDS);
  return words.length ? words.map((w) => `"${w}"`).join(" OR ") : null;
}

/** bm25() weights: one per column, the unindexed code first (it holds no terms). */
export const FTS5_WEIGHTS: readonly number[] = [0, ...SEARCH_FIELDS.map((f) => f.weight)];

export interface Fts5Index {
  search(question: string, limit?: number): string[];
  close(): void;
}

/** One procedure: its code and its text per SEARCH_FIELDS name. */
export interface Fts5Document {
  code: string;
  fields: Readonly<Record<string, string>>;
}

/** Builds the in-memory index; `phases` receives the time of the inserts and of the optimize. */
export function buildFts5Index(
  docs: readonly Fts5Document[],
  phases: Record<string, number> = {},
): Fts5Index {
  const columns = SEARCH_FIELDS.map((f) => f.name);
  const quoted = columns.map((c) => `"${c}"`);
  const db = new Database(":memory:");
  const t0 = performance.now();
  db.exec(
    `CREATE VIRTUAL TABLE procedures USING fts5(code UNINDEXED, ${quoted.join(", ")}, ` +
      `tokenize = 'unicode61 remove_diacritics 2')`,
  );
  const insert = db.prepare(
    `INSERT INTO procedures (code, ${quoted.join(", ")}) VALUES (?${", ?".repeat(columns.length)})`,
  );
  db.transaction(() => {
    for (const { code, fields } of docs) {
      insert.run(code, ...columns.map((c) => (fields[c] ?? "").normalize("NFC")));
    }
  })();
  const t1 = performance.now();
  // Merge the segments the inserts left into one b-tree, as a read-only index would be kept.
  db.exec("INSERT INTO procedures (procedures) VALUES ('optimize')");
  phases.insert = t1 - t0;
  phases.optimize = performance.now() - t1;
  const select = db.prepare<[string, number], { code: string }>(
    `SELECT code FROM procedures WHERE procedures MATCH ? ` +
      `ORDER BY bm25(procedures, ${FTS5_WEIGHTS.join(", ")}), rowid LIMIT ?`,
  );
  return {
    search(question, limit = 10) {
      const query = fts5Query(question);
      return query === null ? [] : select.all(query, limit).map((r) => r.code);
    },
    close: () => db.close(),
  };
}
