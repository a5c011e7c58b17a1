// The resolve hook of module-log.mjs (it runs on the loader thread): logs every ES module's URL.
import { appendFileSync } from "node:fs";

let file = null;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (file) appendFileSync(file, `import ${result.url}\n`);
  return result;
}
