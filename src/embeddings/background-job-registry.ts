import type { Logger } from "../logging/logger.ts";

/** Why a background task's signal aborted: the process is shutting down. */
export class ShutdownAbortError extends Error {
  readonly code = "ABORTED";

  constructor() {
    super("The server stopped before the job finished");
    this.name = "ShutdownAbortError";
  }
}

/**
 * The work a request left running in this process after answering (an embedFile job streams
 * its upload long after the mutation returned). Each task gets an AbortSignal; `stop()` aborts
 * every task and waits until each has settled (and recorded its outcome), so the app never
 * closes the database under a task that is still writing.
 */
export class BackgroundJobRegistry {
  readonly #logger: Pick<Logger, "error">;
  readonly #running = new Map<string, { controller: AbortController; settled: Promise<void> }>();
  #stopped = false;

  constructor(logger: Pick<Logger, "error">) {
    this.#logger = logger;
  }

  /** Tasks running now. */
  get size(): number {
    return this.#running.size;
  }

  /** False once stop() began: no new task may start. */
  get accepting(): boolean {
    return !this.#stopped;
  }

  /**
   * Runs `task` in the background under `id`. The task should record its own failures; one
   * that still rejects is logged, never left unhandled. Throws if the registry is stopping.
   */
  start(id: string, task: (signal: AbortSignal) => Promise<void>): void {
    if (this.#stopped) throw new Error("background jobs are stopping; no new job can start");
    if (this.#running.has(id)) throw new Error(`background job ${id} is already running`);
    const controller = new AbortController();
    const settled = Promise.resolve()
      .then(() => task(controller.signal))
      .catch((error: unknown) => this.#logger.error({ err: error, jobId: id }, "background job failed"))
      .finally(() => this.#running.delete(id));
    this.#running.set(id, { controller, settled });
  }

  /** Aborts the task `id` if it runs in this process; false otherwise. */
  abort(id: string, reason: Error): boolean {
    const task = this.#running.get(id);
    task?.controller.abort(reason);
    return task !== undefined;
  }

  /** Resolves when the task `id` has settled (at once if it is not running). */
  async settled(id: string): Promise<void> {
    await this.#running.get(id)?.settled;
  }

  /** Refuses new tasks, aborts the running ones and waits until every one has settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running = [...this.#running.values()];
    for (const { controller } of running) controller.abort(new ShutdownAbortError());
    await Promise.all(running.map(({ settled }) => settled));
  }
}
