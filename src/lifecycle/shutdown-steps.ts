/** Thrown by stop() when a release step failed; every other step still ran. */
export class ShutdownError extends Error {
  readonly failures: { step: string; error: unknown }[];

  constructor(failures: { step: string; error: unknown }[]) {
    const summary = failures.map(({ step, error }) => `${step} (${error instanceof Error ? error.message : String(error)})`).join("; ");
    super(`shutdown: ${failures.length} step${failures.length === 1 ? "" : "s"} failed: ${summary}`);
    this.name = "ShutdownError";
    this.failures = failures;
  }
}

/**
 * Runs release steps in order, each one whatever happened to the ones before, so one failing
 * pool cannot leave the database or a worker running; `finish()` then throws one ShutdownError
 * naming every failed step (reported once, by whoever called stop()).
 */
export function shutdownSteps(): { run(step: string, release: () => unknown): Promise<void>; finish(): void } {
  const failures: { step: string; error: unknown }[] = [];
  return {
    async run(step, release) {
      try {
        await release();
      } catch (error) {
        // A nested stop() that already collected its failures: keep them, named under this step.
        if (error instanceof ShutdownError) failures.push(...error.failures.map((failure) => ({ ...failure, step: `${step}/${failure.step}` })));
        else failures.push({ step, error });
      }
    },
    finish() {
      if (failures.length > 0) throw new ShutdownError(failures);
    },
  };
}
