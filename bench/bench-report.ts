/** Wall-clock milliseconds of one run of `task`. */
export async function wallTime(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

/** Prints one PASS/FAIL line against a "less than" target and returns whether it passed. */
export function report(name: string, value: number, unit: string, target: number, nameWidth = 60): boolean {
  const ok = value < target;
  console.log(`${ok ? "PASS" : "FAIL"}  ${name.padEnd(nameWidth)} ${value.toFixed(2).padStart(10)} ${unit}   (target < ${target} ${unit})`);
  return ok;
}
