/**
 * True when `value` nests objects or arrays deeper than `maxDepth`. Iterative on purpose: the
 * input is untrusted JSON, and a recursive walk (JSON.stringify, a schema, the profile
 * extractor) overflows the stack on a few thousand levels, which surfaced as an internal error.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
