// Preloaded into a hub process under test (`node --import <this file>`): appends every module the
// process loads — ES modules through a resolve hook, CommonJS through Module._load — to the file named
// by HUB_TEST_MODULE_LOG, one per line, so a test can tell what a code path loaded.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const file = process.env.HUB_TEST_MODULE_LOG;
if (file) {
  register("./module-log-hooks.mjs", import.meta.url, { data: { file } });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.call(this, request, parent, isMain);
    let resolved = request;
    try {
      resolved = Module._resolveFilename(request, parent, isMain);
    } catch {
      // a built-in or an unresolvable name: the request as written
    }
    appendFileSync(file, `require ${resolved}\n`);
    return loaded;
  };
}
