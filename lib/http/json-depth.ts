// How deeply a JSON text nests, found by scanning its characters (no recursion, no parse), so a body
// 20,000 levels deep is refused before JSON.parse, zod or an upstream serializer (which recurses and
// throws "Maximum call stack size exceeded") ever see it.

/** Whether `text` nests arrays and objects deeper than `limit` anywhere. */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
