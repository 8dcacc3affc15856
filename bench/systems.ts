import { Document } from "@langchain/core/documents";
import { BM25Retriever } from "@langchain/community/retrievers/bm25";
import MiniSearch from "minisearch";
import type { Procedure } from "../src/catalogue/index.ts";
import { buildTextTools, createLexicalRetriever, SEARCH_FIELDS } from "../src/search/index.ts";
import { buildFts5Index } from "./fts5.ts";

/** How many codes each system returns per question (enough for hit@5 and MRR@10). */
export const TOP_K = 10;

/** A built index: top codes for a question, best first. */
export interface BuiltSystem {
  search(question: string): string[] | Promise<string[]>;
  /** Build time of named phases (ms), when the build has distinct ones. */
  phases?: Record<string, number>;
  /**
   * Whether the last answer fell back from the system's own way of answering (the hybrid one
   * answers lexically for a while after a failed embedding call). The bench counts such runs and
   * asks the question again after settle().
   */
  degraded?(): boolean;
  /** Resolves once the system answers its own way again; called outside the timed region. */
  settle?(): Promise<void>;
  /** Memory of a process the system runs beside this one (the embeddings model), read now. */
  childMemory?(): ChildMemory | null;
  /** What a reader of the figures should know about the run (fallbacks…), read after it. */
  warnings?(): string[];
  /** Releases what the build started (a child process, a database). */
  stop?(): Promise<void>;
}

export interface ChildMemory {
  pid: number;
  /** VmRSS and VmHWM of /proc/<pid>/status. */
  rssMb: number;
  peakRssMb: number;
}

export interface SystemSpec {
  name: string;
  note: string;
  /** Wall-clock allowances of the scoring pass and the timing runs, when not the bench's own. */
  budgetMs?: { quality?: number; latency?: number };
  build(catalogue: readonly Procedure[]): BuiltSystem | Promise<BuiltSystem>;
}

export const FIELD_NAMES = SEARCH_FIELDS.map((f) => f.name);

/** The text fields our retriever indexes, as it cuts them, so that every system sees the same text. */
export function procedureFields(p: Procedure): Record<string, string> {
  return Object.fromEntries(SEARCH_FIELDS.map((f) => [f.name, f.text(p)]));
}

/** All fields in one text, for the single-field peer. */
export function procedureText(p: Procedure): string {
  return Object.values(procedureFields(p)).join("\n");
}

export const ours: SystemSpec = {
  name: "ours",
  note: "createLexicalRetriever(catalogue): text tools + field index",
  build(catalogue) {
    // Same as createLexicalRetriever(catalogue), whose default options are buildTextTools(catalogue),
    // done in two steps to time them apart.
    const t0 = performance.now();
    const tools = buildTextTools(catalogue);
    const t1 = performance.now();
    const retriever = createLexicalRetriever(catalogue, tools);
    const t2 = performance.now();
    return {
      search: (q) => retriever.search(q, TOP_K).hits.map((h) => h.code),
      phases: { textTools: t1 - t0, index: t2 - t1 },
    };
  },
};

export const miniSearch: SystemSpec = {
  name: "minisearch",
  note: "MiniSearch defaults, one field per text field",
  build(catalogue) {
    const index = new MiniSearch<Record<string, string>>({
      fields: [...FIELD_NAMES],
      storeFields: ["code"],
      idField: "code",
    });
    index.addAll(catalogue.map((p) => ({ code: p.code, ...procedureFields(p) })));
    return {
      search: (q) =>
        index
          .search(q)
          .slice(0, TOP_K)
          .map((r) => String(r.id)),
    };
  },
};

export const langchainBm25: SystemSpec = {
  name: "langchain-bm25",
  note: "BM25Retriever.fromDocuments(docs, { k: 10 }), fields joined",
  build(catalogue) {
    const docs = catalogue.map(
      (p) => new Document({ pageContent: procedureText(p), metadata: { code: p.code } }),
    );
    const retriever = BM25Retriever.fromDocuments(docs, { k: TOP_K });
    return {
      search: async (q) =>
        (await retriever.invoke(q)).map((d) => String((d.metadata as { code: string }).code)),
    };
  },
};

export const sqliteFts5: SystemSpec = {
  name: "sqlite-fts5",
  note: `better-sqlite3 :memory:, fts5 unicode61 remove_diacritics 2 (đ stays đ), ranked by bm25 with our field weights (${SEARCH_FIELDS.map((f) => `${f.name} ${f.weight}`).join(", ")}); question words quoted and ORed`,
  build(catalogue) {
    const phases: Record<string, number> = {};
    const index = buildFts5Index(
      catalogue.map((p) => ({ code: p.code, fields: procedureFields(p) })),
      phases,
    );
    return {
      search: (q) => index.search(q, TOP_K),
      phases,
      stop: async () => index.close(),
    };
  },
};

/** The lexical systems, ours first; the hybrid one is bench/hybrid.ts (it needs a model). */
export const SYSTEMS: readonly SystemSpec[] = [ours, miniSearch, sqliteFts5, langchainBm25];
