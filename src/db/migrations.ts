/**
 * The schema, as an ordered list of SQL scripts. Migration N (1-based) brings the database to
 * `PRAGMA user_version = N`. Append only: never edit or reorder a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1 — what citizens ask (masked), for tuning search and answers.
  `
  CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,           -- ISO 8601, UTC
    channel TEXT NOT NULL,            -- "web", "telegram", "zalo", "cli"
    question_masked TEXT NOT NULL,    -- after maskPersonalData
    intent TEXT,
    top_code TEXT,                    -- best procedure code, if any
    confidence TEXT                   -- "sure" | "ambiguous" | "not_found"
  ) STRICT;
  CREATE INDEX questions_asked_at ON questions (asked_at);
  `,
];
