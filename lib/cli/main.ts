// Operator CLI: `npm run hub -- <command> [options] [--json]`. Every command goes through lib/admin,
// the same code the web UI uses, so a change made here reaches running servers within a second.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ZodError } from "zod";
import { commands, type Command } from "./commands";

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(16)} ${c.usage}`);
  return ["usage: npm run hub -- <command> [options] [--json]", "", "commands:", ...lines].join("\n");
}

function parse(command: Command, argv: string[]) {
  const options: ParseArgsConfig["options"] = { json: { type: "boolean" }, ...command.options };
  try {
    return parseArgs({ args: argv, options, allowPositionals: command.positionals ?? false, strict: true });
  } catch (error) {
    throw new Error(`${(error as Error).message} (see npm run hub -- --help)`);
  }
}

function print(result: unknown, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(result, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
    return;
  }
  if (typeof result === "string") console.log(result);
  else if (result && typeof result === "object" && "message" in result) console.log(String(result.message));
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("-"));
  // commands are one or two words ("key create", "mode set")
  const name = [`${words[0]} ${words[1]}`, `${words[0]}`].find((n) => n in commands);
  if (!name || argv.includes("--help") || argv.length === 0) {
    console[name || argv.includes("--help") ? "log" : "error"](usage());
    return name || argv.includes("--help") ? 0 : 1;
  }
  const command = commands[name]!;
  const rest = [...argv];
  for (const word of name.split(" ")) rest.splice(rest.indexOf(word), 1);
  try {
    const { values, positionals } = parse(command, rest);
    const result = await command.run(values as Record<string, string | boolean | undefined>, positionals);
    print(result, values.json === true);
    return 0;
  } catch (error) {
    const message = error instanceof ZodError ? error.issues[0]?.message : (error as Error).message;
    // one line, whatever failed
    console.error(`error: ${String(message).split("\n").find((line) => line.trim()) ?? "unknown error"}`);
    return 1;
  }
}
