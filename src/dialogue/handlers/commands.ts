/**
 * Slash commands ("/start", "/phananh …", "/trangthai REF", "/hotro", "/huy") and the menu buttons
 * that stand for them ("cmd:…", see actions.ts). A command drops the 👎 comment wait and, except
 * "/trangthai", the token wait.
 */
import { after, type Handler, type Reply } from "../compose.ts";
import type { FeedbackFlow } from "../feedback-flow.ts";
import { parseCommand, type Command } from "../input.ts";
import type { StatusFlow } from "../status-flow.ts";
import { reply, short, type Deps, type Turn } from "../turn.ts";
import type { HandOver } from "./hand-over.ts";

export function createCommands(
  deps: Deps,
  feedback: FeedbackFlow,
  status: StatusFlow,
  handOver: HandOver,
) {
  const { render, labels } = deps;
  const say = (text: string): Reply => ({ messages: [reply(text)] });

  async function run(turn: Turn, cmd: Command): Promise<Reply> {
    switch (cmd.name) {
      case "start":
        return {
          messages: [
            reply(render("start", { name: turn.displayName ? ` ${turn.displayName}` : "" }), [
              [{ label: labels.menuFeedback, action: "cmd:phananh" }],
              [{ label: labels.menuStatus, action: "cmd:trangthai" }],
              [{ label: labels.menuHuman, action: "cmd:hotro" }],
            ]),
          ],
        };
      case "help":
        return say(render("help"));
      case "status":
        return status.onRequest(turn, cmd.args);
      case "complaint":
      case "proposal":
        return feedback.start(turn, cmd.name, cmd.args, false);
      case "handoff": {
        const person = await handOver.escalate(turn, "asked", cmd.raw);
        // Without the hand-off module: the assistant's answer (the hotline number).
        return person ?? say((await deps.assistant.ask("/hotro")).answer);
      }
      case "cancel":
        return {
          ...say(render("fb-cancelled")),
          patch: { draft: undefined, pending: undefined, token: undefined },
        };
      case "unknown":
        return say(render("unknown-command", { command: short(cmd.raw, 32) }));
    }
  }

  /** Runs a command, after dropping the waits it ends. */
  function command(turn: Turn, cmd: Command): Promise<Reply> {
    const ends =
      cmd.name === "status" ? { comment: undefined } : { comment: undefined, token: undefined };
    return after(turn, ends, (t) => run(t, cmd));
  }

  /** Typed text that is a command. */
  const handler: Handler = (turn) => {
    const cmd = turn.text.startsWith("/") ? parseCommand(turn.text) : null;
    return cmd ? command(turn, cmd) : null;
  };

  return { handler, command };
}

export type Commands = ReturnType<typeof createCommands>;
