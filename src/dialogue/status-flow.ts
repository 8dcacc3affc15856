/**
 * "/trangthai PAKN-…" and "tra cứu phản ánh PAKN-…": status and history of a case, for the
 * citizen who filed it. On the channel and user it was filed from, no token is needed; otherwise
 * the citizen gives the token they got when filing. An unknown reference and someone else's case
 * get the same answer, so nobody learns which references exist.
 */
import { localDate, TIME_ZONE } from "../calendar/index.ts";
import { CaseNotFoundError, STATUS_LABELS, type CitizenCaseView } from "../feedback/index.ts";
import type { OutgoingMessage } from "../channels/index.ts";
import type { Reply } from "./compose.ts";
import { findRef, findToken } from "./input.ts";
import { reply, short, vnDate, type Deps, type Turn } from "./turn.ts";

/** History entries shown (the latest). */
const HISTORY_SHOWN = 10;

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "14:05 02/03/2026", Vietnamese time. */
export function vnDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${timeFormat.format(d)} ${vnDate(localDate(d))}`;
}

export function createStatusFlow(deps: Deps) {
  const { render, labels } = deps;

  function renderView(v: CitizenCaseView): OutgoingMessage {
    const history = v.history
      .slice(-HISTORY_SHOWN)
      .map((h) =>
        render("status-line", {
          at: vnDateTime(h.at),
          status: STATUS_LABELS[h.to],
          note: h.note ? short(h.note, 300) : "",
        }),
      )
      .join("\n");
    const text = render("status", {
      kind: v.kind === "proposal" ? labels.proposal : labels.complaint,
      kindTitle: v.kind === "proposal" ? labels.proposalTitle : labels.complaintTitle,
      ref: v.ref,
      status: STATUS_LABELS[v.status],
      receivedDate: vnDate(localDate(new Date(v.receivedAt))),
      dueDate: vnDate(v.dueDate),
      overdue: v.overdue ? render("status-overdue") : "",
      procedure: v.procedureCode ?? "",
      agency: v.agency ? short(v.agency, 200) : "",
      rejectReason: v.rejectReason ? short(v.rejectReason, 300) : "",
      history,
    });
    return reply(text);
  }

  /** Looks a case up for this user; with a token, for anyone holding it. */
  async function lookup(turn: Turn, ref: string, token: string | null): Promise<Reply> {
    const shown = (message: OutgoingMessage): Reply => ({
      messages: [message],
      patch: { token: undefined },
    });
    try {
      return shown(
        renderView(await deps.feedback.citizenViewForFiler(ref, turn.channel, turn.userId)),
      );
    } catch (err) {
      if (!(err instanceof CaseNotFoundError)) throw err;
    }
    if (token !== null) {
      try {
        return shown(renderView(await deps.feedback.citizenView(ref, token)));
      } catch (err) {
        if (!(err instanceof CaseNotFoundError)) throw err;
        return shown(reply(render("status-token-wrong", { ref })));
      }
    }
    // Not this user's case, or no such case: the next message may be its token.
    return {
      messages: [reply(render("status-not-found", { ref }))],
      patch: { token: { ref, at: turn.now.toISOString() } },
    };
  }

  /** "/trangthai [REF] [TOKEN]" or a message naming a reference. */
  function onRequest(turn: Turn, text: string): Reply | Promise<Reply> {
    const ref = findRef(text);
    if (ref) return lookup(turn, ref, findToken(text));
    const recent = turn.state.filed ?? [];
    return {
      messages: [
        reply(
          render("status-ask-ref", { recent: recent.map((f) => f.ref).join(", ") }),
          recent.slice(0, 3).map((f) => [{ label: f.ref, action: `status:${f.ref}` }]),
        ),
      ],
    };
  }

  /** A message that could be the token a lookup waits for (a word or two, token-like). */
  const tokenIn = (text: string): string | null =>
    text.trim().split(/\s+/).length > 2 ? null : findToken(text);

  return { lookup, onRequest, tokenIn };
}

export type StatusFlow = ReturnType<typeof createStatusFlow>;
