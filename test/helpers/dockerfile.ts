// Reads a Dockerfile the way the appliance test needs it: stages, their instructions, ENV pairs,
// exec-form commands and COPY sources. Only the syntax our Dockerfile uses, and it fails loudly on
// anything else rather than guessing.

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (!line && !pending)) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  const parsed: Dockerfile = { args: {}, stages: [] };
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword!.toUpperCase();
    if (upper === "FROM") {
      const [, base, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!)!;
      parsed.stages.push({ base: base!, name, instructions: [] });
    } else if (upper === "ARG" && parsed.stages.length === 0) {
      const [name, value = ""] = args!.split("=");
      parsed.args[name!] = value;
    } else {
      const stage = parsed.stages.at(-1);
      if (!stage) throw new Error(`${upper} before the first FROM`);
      stage.instructions.push({ keyword: upper, args: args! });
    }
  }
  return parsed;
}

export function stage(file: Dockerfile, name: string): Stage {
  const found = file.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage named ${name}`);
  return found;
}

export const instructions = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);

/** `ENV a=1 b="two words"` → {a: "1", b: "two words"}; `$VAR` expands from what came before or `outer`. */
export function envOf(s: Stage, outer: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions(s, "ENV")) {
    for (const [, name, quoted, bare] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) {
      env[name!] = (quoted ?? bare!).replace(/\$(\w+)|\$\{(\w+)\}/g, (_, a: string, b: string) => env[a ?? b] ?? outer[a ?? b] ?? "");
    }
  }
  return env;
}

/** The JSON array of an exec-form CMD, or of HEALTHCHECK's CMD after its options. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) throw new Error(`not an exec-form command: ${args}`);
  return parsed;
}

export interface Copy {
  from?: string;
  chown?: string;
  sources: string[];
  destination: string;
}

export function copies(s: Stage): Copy[] {
  return instructions(s, "COPY").map(({ args }) => {
    const words = args.split(/\s+/);
    const flags = Object.fromEntries(words.filter((w) => w.startsWith("--")).map((w) => w.slice(2).split("=") as [string, string]));
    const paths = words.filter((w) => !w.startsWith("--"));
    return { from: flags.from, chown: flags.chown, sources: paths.slice(0, -1), destination: paths.at(-1)! };
  });
}
