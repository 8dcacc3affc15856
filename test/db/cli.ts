/** The command line with an empty environment, its output collected: `cli(args).run()`. */
import { runCli } from "../../src/cli.ts";

export function cli(args: string[]): { run: () => Promise<number>; out: string[] } {
  const out: string[] = [];
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => out.push(l),
    stdin: process.stdin,
    env: {},
  };
  return { run: () => runCli(args, io), out };
}
