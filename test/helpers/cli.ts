import { execFile } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Runs the operator CLI as the image ships it (`hub …` in the container is node dist/hub.mjs, the
 * bundle of the production build), from the repository root as `npm run hub` runs. Half the start-up
 * of npm + tsx over the sources, for the hundreds of commands the tests run.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return run(process.execPath, [path.join(ROOT, ".next/standalone/dist/hub.mjs"), ...args], env);
}

/** Runs `npm run hub -- …` from the checkout (tsx over the sources, silenced so --json stays parseable). */
export function runCheckoutCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return run("npm", ["run", "--silent", "hub", "--", ...args], env);
}
