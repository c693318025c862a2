/**
 * How deep JSON from a client may nest. Rules, scenes and commands need a dozen levels; the probe's
 * rule nested ~1,220 levels overflowed the stack of the recursive validators and evaluators (a 500).
 * Refusing on the raw text, before JSON.parse, costs one linear scan and no recursion.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays/objects in a JSON text (strings skipped), stopping past `limit`. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/** JSON.parse with the depth limit: throws a RangeError naming the limit for too-deep input. */
export function parseJsonWithDepthLimit(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth)
    throw new RangeError(`JSON nested deeper than ${maxDepth} levels`);
  return JSON.parse(text);
}
