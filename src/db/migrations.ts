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
  // 2 — PAKN (phản ánh, kiến nghị) queue: cases, their append-only history, citizen notifications
  // (outbox), answer ratings. Times are ISO 8601 UTC; dates (YYYY-MM-DD) are Vietnamese dates.
  `
  CREATE TABLE feedback_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE feedback_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,             -- PAKN-2026-000123
    token_hash TEXT NOT NULL,             -- sha256 (hex) of the citizen's token
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'proposal')),
    channel TEXT NOT NULL,                -- "web", "telegram", "zalo", "hotline"…
    user_id TEXT NOT NULL,                -- pseudonymous id within the channel
    text TEXT NOT NULL,
    text_masked TEXT NOT NULL,            -- after maskPersonalData: what logs and lists may show
    contact TEXT,                         -- optional contact the citizen gave; never logged
    procedure_code TEXT,
    agency TEXT,
    routed_by TEXT CHECK (routed_by IN ('procedure', 'citizen', 'staff')),
    status TEXT NOT NULL CHECK (status IN
      ('received', 'accepted', 'in_progress', 'answered', 'closed', 'rejected')),
    reject_reason TEXT,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,                 -- end of the handling period
    next_progress_at TEXT,                -- next 7-day progress update, once overdue
    handled_at TEXT,                      -- first reached answered or rejected
    result_date TEXT,                     -- date of the result (YYYY-MM-DD)
    result_record_due_at TEXT,            -- result must be recorded by then
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
  ) STRICT;
  CREATE INDEX feedback_cases_status_due ON feedback_cases (status, due_at, id);
  CREATE INDEX feedback_cases_agency_due ON feedback_cases (agency, due_at, id);
  CREATE INDEX feedback_cases_due ON feedback_cases (due_at, id);
  CREATE INDEX feedback_cases_received ON feedback_cases (received_at);
  CREATE INDEX feedback_cases_handled ON feedback_cases (handled_at) WHERE handled_at IS NOT NULL;
  CREATE INDEX feedback_cases_progress ON feedback_cases (next_progress_at)
    WHERE next_progress_at IS NOT NULL;

  CREATE TABLE feedback_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES feedback_cases (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,                  -- "citizen", "system", "staff:<name>"
    action TEXT NOT NULL CHECK (action IN ('filed', 'status', 'assign', 'progress')),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT
  ) STRICT;
  CREATE INDEX feedback_history_case ON feedback_history (case_id, id);
  CREATE TRIGGER feedback_history_no_update BEFORE UPDATE ON feedback_history
  BEGIN SELECT RAISE(ABORT, 'feedback_history is append-only'); END;
  CREATE TRIGGER feedback_history_no_delete BEFORE DELETE ON feedback_history
  BEGIN SELECT RAISE(ABORT, 'feedback_history is append-only'); END;

  CREATE TABLE feedback_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES feedback_cases (id),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,                   -- "status" | "progress"
    payload TEXT NOT NULL,                -- JSON
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,                    -- lease of the dispatcher sending it
    last_error TEXT,
    sent_at TEXT,
    failed_at TEXT                        -- gave up after the last attempt
  ) STRICT;
  CREATE INDEX feedback_outbox_pending ON feedback_outbox (channel, next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
  CREATE INDEX feedback_outbox_case_pending ON feedback_outbox (case_id, id)
    WHERE sent_at IS NULL AND failed_at IS NULL;

  CREATE TABLE answer_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rated_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    answer_id TEXT NOT NULL,              -- the answer rated, as the channel identifies it
    question_masked TEXT,
    procedure_code TEXT,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT,
    comment_masked TEXT,
    reviewed_at TEXT,
    UNIQUE (channel, user_id, answer_id)
  ) STRICT;
  CREATE INDEX answer_ratings_review ON answer_ratings (rating, reviewed_at, rated_at);
  `,
  // 3 — the dialogue core (src/dialogue): conversation state per channel user (JSON), the procedure
  // answers shown (what 👍/👎 buttons point at) and the web chat's inbox of notifications.
  `
  CREATE TABLE dialogue_state (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,              -- pseudonymous, channel-scoped
    state TEXT NOT NULL,                -- JSON (src/dialogue/state.ts)
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
  ) STRICT;

  CREATE TABLE dialogue_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    aspect TEXT NOT NULL,
    question_masked TEXT,
    answered_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX dialogue_answers_user ON dialogue_answers (channel, user_id, id);

  CREATE TABLE dialogue_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,        -- the outbox key: a resent notification is stored once
    message TEXT NOT NULL,              -- JSON OutgoingMessage
    created_at TEXT NOT NULL,
    delivered_at TEXT
  ) STRICT;
  CREATE INDEX dialogue_inbox_pending ON dialogue_inbox (channel, user_id, id)
    WHERE delivered_at IS NULL;
  `,
  // 4 — channels (src/channels): Zalo webhook message ids already accepted (replay protection),
  // the Zalo OA token pair (the refresh token is single use: the newest one lives here), and the
  // messages a channel refused for good (outside Zalo's interaction window, bot blocked…) for staff.
  `
  CREATE TABLE zalo_processed_messages (
    msg_id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL           -- ISO 8601 UTC; rows past the replay window are pruned
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX zalo_processed_messages_received ON zalo_processed_messages (received_at);

  CREATE TABLE zalo_tokens (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    access_token TEXT NOT NULL,         -- '' until the first refresh when none was configured
    refresh_token TEXT NOT NULL,
    access_expires_at TEXT,             -- NULL: unknown (taken from the settings)
    seed_hash TEXT NOT NULL,            -- sha256 of the configured refresh token this row grew from
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE channel_undelivered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,              -- pseudonymous, channel-scoped
    reason TEXT NOT NULL,               -- "outside_window", "blocked", "rejected"
    error_code TEXT,                    -- the platform's code (Zalo -230, Telegram 403…)
    text TEXT NOT NULL,                 -- what could not be delivered
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
  ) STRICT;
  CREATE INDEX channel_undelivered_open ON channel_undelivered (created_at)
    WHERE resolved_at IS NULL;
  `,
  // 5 — hand-off to hotline staff (src/handoff): tickets (one open per conversation), their
  // transcript, the staff-group messages that belong to a ticket, and per-conversation context
  // (recent answers, misses in a row) for the officer's summary.
  `
  CREATE TABLE handoff_tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'assigned', 'closed')),
    reason TEXT NOT NULL,               -- asked, repeated_miss, sensitive
    summary TEXT NOT NULL,              -- for the officer, personal data masked
    assignee TEXT,                      -- tg:<user id> or web:<staff name>
    assignee_name TEXT,
    created_at TEXT NOT NULL,
    assigned_at TEXT,
    first_response_at TEXT,
    closed_at TEXT,
    closed_by TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    staff_chat_id INTEGER,
    staff_message_id INTEGER,
    staff_thread_id INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX handoff_tickets_open ON handoff_tickets (channel, user_id)
    WHERE status <> 'closed';
  CREATE INDEX handoff_tickets_status ON handoff_tickets (status, id);

  CREATE TABLE handoff_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES handoff_tickets (id),
    author TEXT NOT NULL CHECK (author IN ('citizen', 'staff', 'bot')),
    officer TEXT,
    text TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX handoff_messages_ticket ON handoff_messages (ticket_id, id);

  CREATE TABLE handoff_staff_posts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES handoff_tickets (id),
    PRIMARY KEY (chat_id, message_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE handoff_context (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    misses INTEGER NOT NULL,
    recent TEXT NOT NULL,               -- JSON: the last answers (questions masked)
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 6 — deadline reminders (src/reminders): agency ↔ chat-group links (pending until staff approve),
  // staff's one-off deadlines, deliveries claimed once per group+kind+item+period, items marked
  // done, and the audit of button presses in the groups.
  `
  CREATE TABLE reminder_groups (
    chat_id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'failed')),
    title TEXT,
    requested_by TEXT NOT NULL,         -- "tg:<user id>"
    requested_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    failure TEXT,                       -- why deliveries stopped ("403 …"), status = failed
    failed_at TEXT
  ) STRICT;
  CREATE INDEX reminder_groups_status ON reminder_groups (status, agency);

  CREATE TABLE reminder_custom (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    due TEXT NOT NULL,                  -- YYYY-MM-DD, Vietnamese date
    agency TEXT NOT NULL,
    ref TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX reminder_custom_due ON reminder_custom (due);

  CREATE TABLE reminder_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    period TEXT NOT NULL,
    agency TEXT NOT NULL,
    due TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    message_id INTEGER,
    UNIQUE (chat_id, kind, item, period)
  ) STRICT;
  CREATE INDEX reminder_deliveries_claimed ON reminder_deliveries (status, claimed_at)
    WHERE status = 'claimed';

  CREATE TABLE reminder_done (
    agency TEXT NOT NULL,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    cycle TEXT NOT NULL,
    done_by TEXT NOT NULL,
    done_at TEXT NOT NULL,
    PRIMARY KEY (agency, kind, item, cycle)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE reminder_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES reminder_deliveries (id),
    chat_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('done', 'progress', 'view')),
    outcome TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;
  `,
  // 13: answer ratings keep only the masked comment.
  `
  UPDATE answer_ratings SET comment = NULL WHERE comment IS NOT NULL;
  `,
  // 14: replies to Telegram and Zalo users (src/channels/reply-outbox.ts), written before they are
  // sent and retried until the platform takes them: a short outage loses no answer. The message
  // is cleared once it is sent or given up (then it is in channel_undelivered); done rows are
  // pruned after some days.
  `
  CREATE TABLE channel_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,                   -- "telegram" | "zalo"
    user_id TEXT NOT NULL,                   -- the platform's chat / user id
    message TEXT,                            -- JSON OutgoingMessage; NULL once done
    pieces_sent INTEGER NOT NULL DEFAULT 0,  -- pieces of a split message already accepted
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,                -- given up (recorded undelivered) after this
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    not_before TEXT,                         -- the platform's retry_after: no attempt earlier
    locked_until TEXT,                       -- lease of the process sending it
    last_error TEXT,
    sent_at TEXT,
    failed_at TEXT
  ) STRICT;
  CREATE INDEX channel_outbox_user_pending ON channel_outbox (channel, user_id, id)
    WHERE sent_at IS NULL AND failed_at IS NULL;
  CREATE INDEX channel_outbox_due ON channel_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
  CREATE INDEX channel_outbox_done ON channel_outbox (coalesce(sent_at, failed_at));
  `,
  // 9 (user_version 9): the Idempotency-Key of POST /api/feedback (src/feedback/idempotency.ts),
  // per case: the sha256 of channel and key (unique: one case per key), and the sha256 of the
  // validated request it filed (the same key with another request is refused). NULL without a key.
  `
  ALTER TABLE feedback_cases ADD COLUMN idempotency_key_hash TEXT;
  ALTER TABLE feedback_cases ADD COLUMN idempotency_request_hash TEXT;
  CREATE UNIQUE INDEX feedback_cases_idempotency_key ON feedback_cases (idempotency_key_hash);
  `,
];
