/**
 * Filing a complaint or proposal (PAKN) in the conversation: what happened → which procedure or
 * office (optional) → contact (optional) → summary with Gửi / Sửa / Hủy → filed through the queue.
 *
 * Sending is idempotent on the draft: the case is filed and the draft marked as filed in one
 * SQLite transaction, so a second "Gửi" (double tap, retried webhook) finds it filed and only
 * repeats the reference.
 */
import { isBusyError } from "../db/index.ts";
import { visibleText } from "../text/index.ts";
import {
  FeedbackInputError,
  MAX_TEXT_CHARS,
  MIN_TEXT_CHARS,
  UnknownProcedureError,
  type FeedbackKind,
  type FiledCase,
} from "../feedback/index.ts";
import type { Button, OutgoingMessage } from "../channels/index.ts";
import type { Reply } from "./compose.ts";
import { bareCode, charCount, folded, hasContent } from "./input.ts";
import { FILED_KEPT, type Draft, type StatePatch } from "./state.ts";
import { reply, short, vnDate, type Deps, type Turn } from "./turn.ts";

export const MAX_SUBJECT_CHARS = 300;
export const MAX_CONTACT_CHARS = 200;
/** A message that triggered the complaint intent is taken as its text when it is this long. */
const WORDS_FOR_TEXT = 6;

const SKIP_WORDS = new Set(["bo qua", "khong", "ko", "k", "khong co", "skip", "bo", "thoi khong"]);
const CANCEL_WORDS = new Set(["huy", "huy bo", "thoi", "cancel"]);
const SEND_WORDS = new Set(["gui", "gui di", "ok", "oke", "dong y", "xac nhan", "co", "send"]);
const EDIT_WORDS = new Set(["sua", "chinh sua", "sua lai"]);

type Optional = "text" | "procedureCode" | "procedureName" | "agency" | "contact";

/** The draft without the named fields (a new object). */
function without(d: Draft, ...fields: Optional[]): Draft {
  return Object.fromEntries(
    Object.entries(d).filter(([k]) => !(fields as string[]).includes(k)),
  ) as Draft;
}

const noSubject = (d: Draft): Draft => without(d, "procedureCode", "procedureName", "agency");

/** The draft at `step`, and where it goes once that step is given. */
const atStep = (d: Draft, step: Draft["step"], returnToConfirm = d.returnToConfirm): Draft => ({
  ...d,
  step,
  returnToConfirm,
});

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

  /** The draft's question, and the draft kept as it is. */
  const ask = (turn: Turn, d: Draft, before: OutgoingMessage[] = []): Reply => ({
    messages: [...before, prompt(turn, d)],
    patch: { draft: d },
  });

  /** Moves past a step that was just given (back to the summary when editing one field). */
  function advance(turn: Turn, d: Draft): Reply {
    const order: Draft["step"][] = ["text", "subject", "contact", "confirm"];
    const step = d.returnToConfirm ? "confirm" : (order[order.indexOf(d.step) + 1] ?? "confirm");
    const next: Draft = {
      ...atStep(d, step, step === "confirm" ? false : d.returnToConfirm),
      at: turn.now.toISOString(),
    };
    return ask(turn, next);
  }

  /** The reply when the description cannot be taken; null when it can. */
  function textProblem(d: Draft, text: string): OutgoingMessage | null {
    const n = charCount(visibleText(text));
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
    return null;
  }

  /** The description given: the next step, or why it cannot be taken (the draft unchanged). */
  function giveText(turn: Turn, d: Draft, text: string): Reply {
    const problem = textProblem(d, text);
    return problem ? { messages: [problem], patch: { draft: d } } : advance(turn, { ...d, text });
  }

  const withProcedure = (d: Draft, code: string, name: string): Draft => ({
    ...without(d, "agency"),
    procedureCode: code,
    procedureName: name,
  });

  /** Starts a new draft (replacing any other); `text` is the message that asked for it. */
  function start(turn: Turn, kind: FeedbackKind, text: string, fromIntent: boolean): Reply {
    const d: Draft = {
      id: deps.newId(),
      kind,
      step: "text",
      returnToConfirm: false,
      at: turn.now.toISOString(),
    };
    const usable = fromIntent ? text.split(/\s+/).length >= WORDS_FOR_TEXT : text.length > 0;
    const first = usable ? giveText(turn, d, text) : ask(turn, d);
    const fresh: StatePatch = { pending: undefined, comment: undefined, token: undefined };
    return { ...first, patch: { ...fresh, ...first.patch } };
  }

  function cancel(): Reply {
    return { messages: [reply(render("fb-cancelled"))], patch: { draft: undefined } };
  }

  /** A typed message while a draft is open. */
  function onText(turn: Turn, d: Draft, text: string): Reply | Promise<Reply> {
    const f = folded(text);
    if (CANCEL_WORDS.has(f)) return cancel();
    const problem = (message: OutgoingMessage): Reply => ({ messages: [message] });
    switch (d.step) {
      case "text":
        return giveText(turn, d, text);
      case "subject": {
        if (SKIP_WORDS.has(f)) return advance(turn, noSubject(d));
        const code = bareCode(text) ?? /(?:^|[^\d.])(\d\.\d{6})(?![\d])/.exec(text)?.[1];
        if (code) {
          const found = deps.assistant.answerFor(code).procedures[0];
          if (!found) return problem(reply(render("fb-unknown-code", { code }), [skipRow(d)]));
          return advance(turn, withProcedure(d, found.code, found.name));
        }
        if (!hasContent(text)) return ask(turn, d);
        if (charCount(text) > MAX_SUBJECT_CHARS) {
          return problem(
            reply(render("fb-subject-long", { max: MAX_SUBJECT_CHARS }), [skipRow(d)]),
          );
        }
        return advance(turn, { ...without(d, "procedureCode", "procedureName"), agency: text });
      }
      case "contact": {
        if (SKIP_WORDS.has(f)) return advance(turn, without(d, "contact"));
        if (charCount(text) > MAX_CONTACT_CHARS) {
          return problem(
            reply(render("fb-contact-long", { max: MAX_CONTACT_CHARS }), [skipRow(d)]),
          );
        }
        if (!hasContent(text)) return ask(turn, d);
        return advance(turn, { ...d, contact: text });
      }
      case "confirm":
      case "edit":
        if (SEND_WORDS.has(f)) return send(turn, d.id);
        if (EDIT_WORDS.has(f)) return ask(turn, atStep(d, "edit"));
        return ask(turn, d, [reply(render("fb-use-buttons"))]);
    }
  }

  const skipRow = (d: Draft): Button[] => [
    { label: labels.skip, action: "fb:skip" },
    cancelButton(d),
  ];

  /** Files the draft once. A second call with the same draft id repeats the reference. */
  async function send(turn: Turn, draftId: string): Promise<Reply> {
    const { state } = turn;
    const done = state.filed?.find((f) => f.draftId === draftId);
    if (done) return { messages: [alreadyFiled(done.kind, done.ref)] };
    const d = state.draft;
    if (!d || d.id !== draftId) return { messages: [reply(render("fb-stale"))] };
    if (!d.text) return ask(turn, atStep(d, "text"));
    let filed: FiledCase;
    let patch: StatePatch;
    try {
      // The case and the "draft filed" mark are saved together; on failure neither is.
      ({ result: filed, patch } = await turn.commit(
        (tx) =>
          deps.feedback.fileCase(
            {
              kind: d.kind,
              channel: turn.channel,
              userId: turn.userId,
              text: d.text ?? "",
              procedureCode: d.procedureCode ?? null,
              agency: d.agency ?? null,
              contact: d.contact ?? null,
            },
            tx,
          ),
        (result) => ({
          filed: [
            { draftId: d.id, ref: result.ref, kind: result.kind, at: turn.now.toISOString() },
            ...(state.filed ?? []),
          ].slice(0, FILED_KEPT),
          draft: undefined,
        }),
      ));
    } catch (err) {
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
    return {
      messages: [
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
      ],
      patch,
    };
  }

  function alreadyFiled(kind: FeedbackKind, ref: string): OutgoingMessage {
    return reply(render("fb-already-filed", { ...kindVars(kind), ref }), [
      [{ label: labels.viewStatus, action: `status:${ref}` }],
    ]);
  }

  /** Filing failed: back to the step at fault (then to the summary), or "Gửi" again. */
  function onSendError(turn: Turn, d: Draft, err: unknown): Reply {
    const fix = (step: Draft["step"], draft: Draft, message?: OutgoingMessage): Reply => {
      const next = atStep(draft, step, true);
      return { messages: [message ?? prompt(turn, next)], patch: { draft: next } };
    };
    if (err instanceof UnknownProcedureError) {
      const code = d.procedureCode ?? "";
      const next = without(d, "procedureCode", "procedureName");
      return fix("subject", next, reply(render("fb-unknown-code", { code }), [skipRow(next)]));
    }
    if (err instanceof FeedbackInputError) {
      if (err.field === "contact") {
        const message = reply(render("fb-contact-long", { max: MAX_CONTACT_CHARS }), [skipRow(d)]);
        return fix("contact", d, message);
      }
      if (err.field === "procedureCode" || err.field === "agency") return fix("subject", d);
      if (err.field === "text") {
        const message = reply(render("fb-text-short", { min: MIN_TEXT_CHARS }), [
          [cancelButton(d)],
        ]);
        return fix("text", d, message);
      }
    }
    // Nothing was filed and the draft is kept (a busy database: another connection held the lock).
    if (isBusyError(err)) deps.log.warn({ err, channel: turn.channel }, "feedback not filed yet");
    else deps.log.error({ err, channel: turn.channel }, "could not file feedback");
    return {
      messages: [
        reply(render("fb-failed"), [
          [{ label: labels.send, action: `fb:send:${d.id}` }, cancelButton(d)],
        ]),
      ],
    };
  }

  /** A button of the feedback flow. */
  function onAction(
    turn: Turn,
    action:
      | { type: "fb-send" | "fb-edit" | "fb-cancel"; draftId: string }
      | { type: "fb-last" | "fb-skip" }
      | { type: "fb-field"; field: "text" | "subject" | "contact" },
  ): Reply | Promise<Reply> {
    const { state } = turn;
    if (action.type === "fb-send") return send(turn, action.draftId);
    const d = state.draft;
    if (action.type === "fb-cancel" || action.type === "fb-edit") {
      if (d && d.id === action.draftId) {
        return action.type === "fb-cancel" ? cancel() : ask(turn, atStep(d, "edit"));
      }
      const done = state.filed?.find((f) => f.draftId === action.draftId);
      return { messages: [done ? alreadyFiled(done.kind, done.ref) : reply(render("fb-stale"))] };
    }
    if (!d) return { messages: [reply(render("fb-stale"))] };
    switch (action.type) {
      case "fb-last":
        if (d.step !== "subject" || !state.last) return ask(turn, d);
        return advance(turn, withProcedure(d, state.last.code, state.last.name));
      case "fb-skip":
        if (d.step === "subject") return advance(turn, noSubject(d));
        if (d.step === "contact") return advance(turn, without(d, "contact"));
        return ask(turn, d);
      case "fb-field":
        return ask(turn, atStep(d, action.field, d.text !== undefined));
    }
  }

  return { start, onText, onAction, prompt };
}

export type FeedbackFlow = ReturnType<typeof createFeedbackFlow>;
