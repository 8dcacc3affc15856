/**
 * Moving a province from its SQLite file to PostgreSQL (`cli db copy --to postgres://…`): every
 * table of the schema, copied in one PostgreSQL transaction and checked before it commits.
 *
 * - The source is read in one read transaction: in WAL mode that is one consistent snapshot, and
 *   the server may keep running (what it writes after the snapshot is not copied: stop it first
 *   for the final move).
 * - The target gets the PostgreSQL schema (openPostgres) and must hold no rows at all: a copy never
 *   merges into, nor overwrites, a database in use.
 * - Tables go parents first (foreign keys), ids as they are; the identity sequences then continue
 *   after the largest id.
 * - Checked per table before COMMIT: the row count, and a checksum over every row's values (the
 *   sorted SHA-256 of each row, so neither side's collation matters). One difference and nothing
 *   is committed.
 * - A SQLite column the PostgreSQL table lacks would be lost: refused before anything is written.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { MotcuaError } from "../errors.ts";
import { openDatabase, type Database } from "./database.ts";
import type { SqlDatabase, SqlExecutor, SqlValue } from "./sql.ts";

export class DbCopyError extends MotcuaError {
  constructor(
    readonly code:
      | "db_copy_source_missing"
      | "db_copy_target_not_postgres"
      | "db_copy_target_not_empty"
      | "db_copy_schema_mismatch"
      | "db_copy_check_failed",
    message: string,
  ) {
    super(message);
  }
}

export interface CopiedTable {
  table: string;
  rows: number;
  /** SHA-256 (hex) of the table's sorted row hashes, equal on both sides. */
  checksum: string;
}

export interface CopyResult {
  tables: CopiedTable[];
  rows: number;
  ms: number;
}

export interface CopyOptions {
  source: Database;
  /** A PostgreSQL SqlDatabase with the project's schema (openPostgres). */
  target: SqlDatabase;
  clock?: () => number;
}

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;
const MAX_ROWS_PER_INSERT = 500;
/** Held for the copy's transaction, so two copies to one database never interleave. */
const COPY_LOCK = "motcua-db-copy";

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface TargetTable {
  name: string;
  columns: string[];
  /** Per column: how its values compare (PostgreSQL's type decides, not SQLite's affinity). */
  kinds: Map<string, ValueKind>;
  /** Its parents by foreign key (other tables). */
  parents: string[];
  identity: string[];
}

async function targetTables(tx: SqlExecutor): Promise<TargetTable[]> {
  const columns = await tx.all<{ t: string; c: string; identity: string; type: string }>(
    `SELECT table_name AS t, column_name AS c, is_identity AS identity, data_type AS type
       FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> 'motcua_schema'
      ORDER BY table_name, ordinal_position`,
  );
  const keys = await tx.all<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const byName = new Map<string, TargetTable>();
  for (const { t, c, identity, type } of columns) {
    const table = byName.get(t) ?? {
      name: t,
      columns: [],
      kinds: new Map<string, ValueKind>(),
      parents: [],
      identity: [],
    };
    table.columns.push(c);
    table.kinds.set(c, kindOf(type));
    if (identity === "YES") table.identity.push(c);
    byName.set(t, table);
  }
  for (const { child, parent } of keys) {
    const table = byName.get(child);
    if (table && parent !== child) table.parents.push(parent);
  }
  return parentsFirst([...byName.values()]);
}

/** Tables ordered so that every table comes after the tables its foreign keys name. */
function parentsFirst(tables: TargetTable[]): TargetTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const order: TargetTable[] = [];
  const visit = (t: TargetTable) => {
    if (done.has(t.name)) return;
    done.add(t.name);
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (parent) visit(parent);
    }
    order.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t);
  return order;
}

function sourceColumns(source: Database): Map<string, string[]> {
  const tables = source
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
        ORDER BY name`,
    )
    .all();
  return new Map(
    tables.map(({ name }) => [
      name,
      source
        .prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?)")
        .all(name)
        .map((c) => c.name),
    ]),
  );
}

/** What would be lost: a source table or column the target does not have. */
function checkSchemas(source: Map<string, string[]>, target: TargetTable[]): void {
  const targets = new Map(target.map((t) => [t.name, new Set(t.columns)]));
  const missing: string[] = [];
  for (const [table, columns] of source) {
    const there = targets.get(table);
    if (!there) missing.push(table);
    else for (const c of columns) if (!there.has(c)) missing.push(`${table}.${c}`);
  }
  if (missing.length > 0) {
    throw new DbCopyError(
      "db_copy_schema_mismatch",
      `Cơ sở dữ liệu đích thiếu ${missing.join(", ")}: không sao chép. / ` +
        `The target lacks ${missing.join(", ")}: nothing copied (are both at the same program version?).`,
    );
  }
}

type ValueKind = "number" | "text" | "bytes";

const kindOf = (pgType: string): ValueKind =>
  /int|numeric|double|real/i.test(pgType) ? "number" : pgType === "bytea" ? "bytes" : "text";

/** A value as the target column holds it, for the checksum (a SQLite TEXT cell may hold 5). */
function canonical(value: unknown, kind: ValueKind): string | number | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (kind === "number") return Number(value);
  return String(value);
}

function checksum(
  rows: readonly Record<string, unknown>[],
  t: TargetTable,
  columns: readonly string[],
): string {
  const hashes = rows
    .map((row) =>
      createHash("sha256")
        .update(JSON.stringify(columns.map((c) => canonical(row[c], t.kinds.get(c) ?? "text"))))
        .digest("hex"),
    )
    .sort();
  const all = createHash("sha256");
  for (const h of hashes) all.update(h);
  return all.digest("hex");
}

async function insertAll(
  tx: SqlExecutor,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const per = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns.length)));
  const names = columns.map(quote).join(", ");
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += per) {
    const batch = rows.slice(i, i + per);
    const params: SqlValue[] = [];
    for (const row of batch) for (const c of columns) params.push(toParam(row[c]));
    await tx.run(
      `INSERT INTO ${quote(table)} (${names}) VALUES ${batch.map(() => tuple).join(", ")}`,
      params,
    );
  }
}

const toParam = (value: unknown): SqlValue =>
  typeof value === "bigint" ? Number(value) : ((value ?? null) as SqlValue);

/** Copies every row of `source` into the empty PostgreSQL `target`, checked before it commits. */
export async function copyDatabase(options: CopyOptions): Promise<CopyResult> {
  const { source, target } = options;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  if (target.dialect !== "postgres") {
    throw new DbCopyError(
      "db_copy_target_not_postgres",
      "Đích phải là PostgreSQL. / The target must be a PostgreSQL database.",
    );
  }
  const inSource = sourceColumns(source);
  return target.transaction(async (tx) => {
    await tx.get("SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", [COPY_LOCK]);
    const tables = await targetTables(tx);
    checkSchemas(inSource, tables);
    const used: string[] = [];
    for (const t of tables) {
      if ((await tx.get(`SELECT 1 AS one FROM ${quote(t.name)} LIMIT 1`)) !== undefined) {
        used.push(t.name);
      }
    }
    if (used.length > 0) {
      throw new DbCopyError(
        "db_copy_target_not_empty",
        `Cơ sở dữ liệu đích đã có dữ liệu (${used.join(", ")}): không sao chép đè. / ` +
          `The target already holds rows (${used.join(", ")}): a copy never merges or overwrites.`,
      );
    }

    // One snapshot of the source for every table.
    const snapshot = new Map<string, Record<string, unknown>[]>();
    source.prepare("BEGIN").run();
    try {
      for (const t of tables) {
        const columns = inSource.get(t.name);
        if (!columns) continue;
        snapshot.set(
          t.name,
          source
            .prepare(`SELECT ${columns.map(quote).join(", ")} FROM ${quote(t.name)}`)
            .all() as Record<string, unknown>[],
        );
      }
    } finally {
      source.prepare("COMMIT").run();
    }

    const copied: CopiedTable[] = [];
    for (const t of tables) {
      const rows = snapshot.get(t.name) ?? [];
      const columns = inSource.get(t.name) ?? [];
      if (rows.length > 0) await insertAll(tx, t.name, columns, rows);
      for (const id of t.identity) {
        await tx.get(
          `SELECT setval(pg_get_serial_sequence(?, ?),
                  COALESCE((SELECT MAX(${quote(id)}) FROM ${quote(t.name)}), 1),
                  (SELECT MAX(${quote(id)}) FROM ${quote(t.name)}) IS NOT NULL) AS v`,
          [t.name, id],
        );
      }
      const expected = checksum(rows, t, columns);
      const back =
        columns.length === 0
          ? []
          : await tx.all<Record<string, unknown>>(
              `SELECT ${columns.map(quote).join(", ")} FROM ${quote(t.name)}`,
            );
      const got = checksum(back, t, columns);
      if (back.length !== rows.length || got !== expected) {
        throw new DbCopyError(
          "db_copy_check_failed",
          `Bảng ${t.name}: bản sao khác nguồn (${back.length}/${rows.length} dòng), không lưu gì. / ` +
            `Table ${t.name}: the copy differs from the source (${back.length} of ${rows.length} rows, ` +
            "checksums differ): nothing committed.",
        );
      }
      copied.push({ table: t.name, rows: rows.length, checksum: got });
    }
    return {
      tables: copied,
      rows: copied.reduce((n, t) => n + t.rows, 0),
      ms: Math.round(clock() - started),
    };
  });
}

/** Opens the SQLite file to copy (migrated to this program's schema); a missing file is refused. */
export function openCopySource(file: string): Database {
  if (!existsSync(file)) {
    throw new DbCopyError(
      "db_copy_source_missing",
      `Không có tệp ${file}. / No database file ${file}.`,
    );
  }
  return openDatabase(file);
}
