import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { runTextTask, type TextTaskMessage, type TextTaskName, type TextTasks } from "./text-tasks.ts";

/** Runs the pipeline's text tasks (see text-tasks.ts); the pipeline only sees this interface. */
export interface TextWork {
  run<K extends TextTaskName>(task: K, args: Parameters<TextTasks[K]>, options?: { signal?: AbortSignal }): Promise<ReturnType<TextTasks[K]>>;
  close(): Promise<void>;
}

/** A text task that threw (or whose thread died); `task` names which, the message says why. */
export class TextWorkError extends Error {
  readonly task: TextTaskName;
  constructor(task: TextTaskName, message: string, options?: ErrorOptions) {
    super(`Text task ${task} failed: ${message}`, options);
    this.name = "TextWorkError";
    this.task = task;
  }
}

/** Sizing of a text pool. */
export interface TextWorkPoolOptions {
  /** Worker threads at most (default 1). Started on demand, stopped after `idleTimeoutMs` idle. */
  threads?: number;
  /** Added to the threads' niceness, so the API's event loop and the renders come first. */
  nice?: number;
  idleTimeoutMs?: number;
}

const threadEntry = fileURLToPath(new URL("./text-work-thread.ts", import.meta.url));

/**
 * Text work on a piscina pool of worker threads: summaries, chunking, token counting, layout
 * and cleaning run there so a 300-page document never holds the API's event loop. Tasks beyond
 * the thread count wait in piscina's queue; an aborted signal drops a queued task or stops a
 * running thread's task.
 */
export class TextWorkPool implements TextWork {
  readonly #pool: Piscina<TextTaskMessage, unknown>;

  constructor(options: TextWorkPoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? 1);
    this.#pool = new Piscina({
      filename: threadEntry,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      niceIncrement: options.nice ?? 0,
    });
  }

  async run<K extends TextTaskName>(task: K, args: Parameters<TextTasks[K]>, options: { signal?: AbortSignal } = {}): Promise<ReturnType<TextTasks[K]>> {
    try {
      return (await this.#pool.run({ task, args }, { signal: options.signal ?? null })) as ReturnType<TextTasks[K]>;
    } catch (error) {
      // An abort is the caller's own doing: let it through as it is, for the pipeline to see.
      if (options.signal?.aborted) throw error;
      throw new TextWorkError(task, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  /** Rejects queued tasks and stops every thread (running tasks are abandoned). */
  async close(): Promise<void> {
    await this.#pool.close({ force: true });
  }
}

/** The same tasks on the calling thread: for tests that compare the two paths, and tools. */
export class InProcessTextWork implements TextWork {
  // eslint-disable-next-line @typescript-eslint/require-await -- same contract as the pool: errors arrive as rejections
  async run<K extends TextTaskName>(task: K, args: Parameters<TextTasks[K]>, options: { signal?: AbortSignal } = {}): Promise<ReturnType<TextTasks[K]>> {
    options.signal?.throwIfAborted();
    try {
      return runTextTask({ task, args });
    } catch (error) {
      throw new TextWorkError(task, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  async close(): Promise<void> {}
}
