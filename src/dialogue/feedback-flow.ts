/**
 * Filing a complaint or proposal (PAKN) in the conversation: what happened → which procedure or
 * office (optional) → contact (optional) → summary with Gửi / Sửa / Hủy → filed through the queue.
 *
 * Sending is idempotent on the draft: the case is filed and the draft marked as filed in one
 * SQLite transaction, so a second "Gửi" (double tap, retried webhook) finds it filed and only
 * repeats the reference.
 */
import {
  FeedbackInputError,
  MAX_TEXT_CHARS,
  MIN_TEXT_CHARS,
  UnknownProcedureError,
  type FeedbackKind,
  type FiledCase,
} from "../feedback/index.ts";
import type { Button, OutgoingMessage } from "../channels/index.ts";
import { bareCode, charCount, folded, hasContent } from "./input.ts";
import { FILED_KEPT, type Draft } from "./state.ts";
import { reply, short, vnDate, type Deps, type Turn } from "./turn.ts";

export const MAX_SUBJECT_CHARS = 300;
export const MAX_CONTACT_CHARS = 200;
/** A message that triggered the complaint intent is taken as its text when it is this long. */
const WORDS_FOR_TEXT = 6;

const SKIP_WORDS = new Set(["bo qua", "khong", "ko", "k", "khong co", "skip", "bo", "thoi khong"]);
const CANCEL_WORDS = new Set(["huy", "huy bo", "thoi", "cancel"]);
const SEND_WORDS = new Set(["gui", "gui di", "ok", "oke", "dong y", "xac nhan", "co", "send"]);
const EDIT_WORDS = new Set(["sua", "chinh sua", "sua lai"]);

export function createFeedbackFlow(deps: Deps) {
  const { render, labels } = deps;
  const kindVars = (kind: FeedbackKind) => ({
    kind: kind === "proposal" ? labels.proposal : labels.complaint,
    kindTitle: kind === "proposal" ? labels.proposalTitle : labels.complaintTitle,
  });
  const cancelButton = (d: Draft): Button => ({
    label: labels.cancel,
    action: `fb:cancel:${d.id}`,
  });

  function subjectOf(d: Draft): string {
    if (d.procedureCode) {
      return `${short(d.procedureName ?? labels.procedure, 120)} (${d.procedureCode})`;
    }
    return d.agency ? short(d.agency, 120) : labels.notGiven;
  }

  /** The question of the draft's current step, with its buttons. */
  function prompt(turn: Turn, d: Draft): OutgoingMessage {
    const kv = kindVars(d.kind);
    switch (d.step) {
      case "text":
        return reply(render("fb-ask-text", { ...kv, min: MIN_TEXT_CHARS }), [[cancelButton(d)]]);
      case "subject": {
        const last = turn.state.last;
        const rows: Button[][] = [];
        if (last) {
          rows.push([{ label: short(`${last.name} (${last.code})`, 60), action: "fb:last" }]);
        }
        rows.push([{ label: labels.skip, action: "fb:skip" }, cancelButton(d)]);
        const lastText = last ? `${short(last.name, 120)} (mã ${last.code})` : "";
        return reply(render("fb-ask-subject", { ...kv, last: lastText }), rows);
      }
      case "contact":
        return reply(render("fb-ask-contact"), [
          [{ label: labels.skip, action: "fb:skip" }, cancelButton(d)],
        ]);
      case "confirm":
        return reply(
          render("fb-summary", {
            ...kv,
            text: short(d.text ?? "", 600),
            subject: subjectOf(d),
            contact: d.contact ? short(d.contact, 100) : labels.notGiven,
          }),
          [
            [
              { label: labels.send, action: `fb:send:${d.id}` },
              { label: labels.edit, action: `fb:edit:${d.id}` },
              cancelButton(d),
            ],
          ],
        );
      case "edit":
        return reply(render("fb-edit"), [
          [
            { label: labels.editText, action: "fb:field:text" },
            { label: labels.editSubject, action: "fb:field:subject" },
            { label: labels.editContact, action: "fb:field:contact" },
          ],
          [{ label: labels.send, action: `fb:send:${d.id}` }, cancelButton(d)],
        ]);
    }
  }

  /** Moves past a step that was just given (back to the summary when editing one field). */
  function advance(turn: Turn, d: Draft): OutgoingMessage[] {
    const order: Draft["step"][] = ["text", "subject", "contact", "confirm"];
    d.step = d.returnToConfirm ? "confirm" : (order[order.indexOf(d.step) + 1] ?? "confirm");
    if (d.step === "confirm") d.returnToConfirm = false;
    d.at = turn.now.toISOString();
    return [prompt(turn, d)];
  }

  /** Checks and stores the description; null when accepted, else the reply. */
  function acceptText(d: Draft, text: string): OutgoingMessage | null {
    const n = charCount(text);
    if (!hasContent(text) || n < MIN_TEXT_CHARS) {
      return reply(render("fb-text-short", { min: MIN_TEXT_CHARS }), [
        [{ label: labels.cancel, action: `fb:cancel:${d.id}` }],
      ]);
    }
    if (n > MAX_TEXT_CHARS) {
      return reply(
        render("fb-text-long", {
          max: MAX_TEXT_CHARS.toLocaleString("vi-VN"),
          length: n.toLocaleString("vi-VN"),
        }),
        [[{ label: labels.cancel, action: `fb:cancel:${d.id}` }]],
      );
    }
    d.text = text;
    return null;
  }

  function setProcedure(d: Draft, code: string, name: string): void {
    d.procedureCode = code;
    d.procedureName = name;
    delete d.agency;
  }

  /** Starts a new draft (replacing any other); `text` is the message that asked for it. */
  function start(turn: Turn, kind: FeedbackKind, text: string, fromIntent: boolean) {
    const d: Draft = {
      id: deps.newId(),
      kind,
      step: "text",
      returnToConfirm: false,
      at: turn.now.toISOString(),
    };
    turn.state.draft = d;
    delete turn.state.pending;
    delete turn.state.comment;
    delete turn.state.token;
    const usable = fromIntent ? text.split(/\s+/).length >= WORDS_FOR_TEXT : text.length > 0;
    if (!usable) return [prompt(turn, d)];
    const problem = acceptText(d, text);
    return problem ? [problem] : advance(turn, d);
  }

  function cancel(turn: Turn): OutgoingMessage[] {
    delete turn.state.draft;
    return [reply(render("fb-cancelled"))];
  }

  /** A typed message while a draft is open. */
  function onText(turn: Turn, d: Draft, text: string): OutgoingMessage[] {
    const f = folded(text);
    if (CANCEL_WORDS.has(f)) return cancel(turn);
    switch (d.step) {
      case "text": {
        const problem = acceptText(d, text);
        return problem ? [problem] : advance(turn, d);
      }
      case "subject": {
        if (SKIP_WORDS.has(f)) {
          delete d.procedureCode;
          delete d.procedureName;
          delete d.agency;
          return advance(turn, d);
        }
        const code = bareCode(text) ?? /(?:^|[^\d.])(\d\.\d{6})(?![\d])/.exec(text)?.[1];
        if (code) {
          const found = deps.assistant.answerFor(code).procedures[0];
          if (!found) return [reply(render("fb-unknown-code", { code }), [skipRow(d)])];
          setProcedure(d, found.code, found.name);
          return advance(turn, d);
        }
        if (!hasContent(text)) return [prompt(turn, d)];
        if (charCount(text) > MAX_SUBJECT_CHARS) {
          return [reply(render("fb-subject-long", { max: MAX_SUBJECT_CHARS }), [skipRow(d)])];
        }
        delete d.procedureCode;
        delete d.procedureName;
        d.agency = text;
        return advance(turn, d);
      }
      case "contact": {
        if (SKIP_WORDS.has(f)) {
          delete d.contact;
          return advance(turn, d);
        }
        if (charCount(text) > MAX_CONTACT_CHARS) {
          return [reply(render("fb-contact-long", { max: MAX_CONTACT_CHARS }), [skipRow(d)])];
        }
        if (!hasContent(text)) return [prompt(turn, d)];
        d.contact = text;
        return advance(turn, d);
      }
      case "confirm":
      case "edit":
        if (SEND_WORDS.has(f)) return send(turn, d.id);
        if (EDIT_WORDS.has(f)) {
          d.step = "edit";
          return [prompt(turn, d)];
        }
        return [reply(render("fb-use-buttons")), prompt(turn, d)];
    }
  }

  const skipRow = (d: Draft): Button[] => [
    { label: labels.skip, action: "fb:skip" },
    cancelButton(d),
  ];

  /** Files the draft once. A second call with the same draft id repeats the reference. */
  function send(turn: Turn, draftId: string): OutgoingMessage[] {
    const { state } = turn;
    const done = state.filed?.find((f) => f.draftId === draftId);
    if (done) return [alreadyFiled(done.kind, done.ref)];
    const d = state.draft;
    if (!d || d.id !== draftId) return [reply(render("fb-stale"))];
    if (!d.text) {
      d.step = "text";
      return [prompt(turn, d)];
    }
    let filed: FiledCase;
    try {
      filed = deps.db
        .transaction(() => {
          const result = deps.queue.fileCase({
            kind: d.kind,
            channel: turn.channel,
            userId: turn.userId,
            text: d.text ?? "",
            procedureCode: d.procedureCode ?? null,
            agency: d.agency ?? null,
            contact: d.contact ?? null,
          });
          state.filed = [
            { draftId: d.id, ref: result.ref, kind: result.kind, at: turn.now.toISOString() },
            ...(state.filed ?? []),
          ].slice(0, FILED_KEPT);
          delete state.draft;
          deps.store.save(turn.channel, turn.userId, state, turn.now);
          return result;
        })
        .immediate();
    } catch (err) {
      // The transaction rolled back; put the in-memory state back as it was.
      state.filed = state.filed?.filter((f) => f.draftId !== d.id);
      if (state.filed?.length === 0) delete state.filed;
      state.draft = d;
      return onSendError(turn, d, err);
    }
    deps.log.info(
      {
        event: "feedback_filed",
        ref: filed.ref,
        channel: turn.channel,
        kind: filed.kind,
        procedureCode: filed.procedureCode,
        hasContact: d.contact !== undefined,
      },
      "feedback filed from the conversation",
    );
    return [
      reply(
        render("fb-filed", {
          ...kindVars(filed.kind),
          ref: filed.ref,
          dueDate: vnDate(filed.dueDate),
          agency: filed.agency ?? "",
          token: filed.token,
        }),
        [[{ label: labels.viewStatus, action: `status:${filed.ref}` }]],
      ),
    ];
  }

  function alreadyFiled(kind: FeedbackKind, ref: string): OutgoingMessage {
    return reply(render("fb-already-filed", { ...kindVars(kind), ref }), [
      [{ label: labels.viewStatus, action: `status:${ref}` }],
    ]);
  }

  function onSendError(turn: Turn, d: Draft, err: unknown): OutgoingMessage[] {
    if (err instanceof UnknownProcedureError) {
      const code = d.procedureCode ?? "";
      delete d.procedureCode;
      delete d.procedureName;
      d.step = "subject";
      d.returnToConfirm = true;
      return [reply(render("fb-unknown-code", { code }), [skipRow(d)])];
    }
    if (err instanceof FeedbackInputError) {
      if (err.field === "contact") {
        d.step = "contact";
        d.returnToConfirm = true;
        return [reply(render("fb-contact-long", { max: MAX_CONTACT_CHARS }), [skipRow(d)])];
      }
      if (err.field === "procedureCode" || err.field === "agency") {
        d.step = "subject";
        d.returnToConfirm = true;
        return [prompt(turn, d)];
      }
      if (err.field === "text") {
        d.step = "text";
        d.returnToConfirm = true;
        return [reply(render("fb-text-short", { min: MIN_TEXT_CHARS }), [[cancelButton(d)]])];
      }
    }
    deps.log.error({ err, channel: turn.channel }, "could not file feedback");
    return [
      reply(render("fb-failed"), [
        [{ label: labels.send, action: `fb:send:${d.id}` }, cancelButton(d)],
      ]),
    ];
  }

  /** A button of the feedback flow. */
  function onAction(
    turn: Turn,
    action:
      | { type: "fb-send" | "fb-edit" | "fb-cancel"; draftId: string }
      | { type: "fb-last" | "fb-skip" }
      | { type: "fb-field"; field: "text" | "subject" | "contact" },
  ): OutgoingMessage[] {
    const { state } = turn;
    if (action.type === "fb-send") return send(turn, action.draftId);
    const d = state.draft;
    if (action.type === "fb-cancel" || action.type === "fb-edit") {
      if (d && d.id === action.draftId) {
        if (action.type === "fb-cancel") return cancel(turn);
        d.step = "edit";
        return [prompt(turn, d)];
      }
      const done = state.filed?.find((f) => f.draftId === action.draftId);
      return [done ? alreadyFiled(done.kind, done.ref) : reply(render("fb-stale"))];
    }
    if (!d) return [reply(render("fb-stale"))];
    switch (action.type) {
      case "fb-last":
        if (d.step !== "subject" || !state.last) return [prompt(turn, d)];
        setProcedure(d, state.last.code, state.last.name);
        return advance(turn, d);
      case "fb-skip":
        if (d.step === "subject") {
          delete d.procedureCode;
          delete d.procedureName;
          delete d.agency;
          return advance(turn, d);
        }
        if (d.step === "contact") {
          delete d.contact;
          return advance(turn, d);
        }
        return [prompt(turn, d)];
      case "fb-field":
        d.step = action.field;
        d.returnToConfirm = d.text !== undefined;
        return [prompt(turn, d)];
    }
  }

  return { start, onText, onAction, cancel, prompt };
}

export type FeedbackFlow = ReturnType<typeof createFeedbackFlow>;
