import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PdfError } from "./pdf-error.ts";
import type { ChildMessage, ParentMessage, WorkerConfig, WorkerOperation, WorkerResultByKind } from "./render-protocol.ts";

const workerEntry = fileURLToPath(new URL("./render-worker.ts", import.meta.url));
const STDERR_TAIL_CHARS = 4000;

/** Where a worker is in its life: only an idle worker may be given a request. */
export type WorkerState = "starting" | "idle" | "busy" | "dead";

/** How to start one worker. */
export interface WorkerProcessOptions {
  config: WorkerConfig;
  /** V8 heap cap of the child; native (canvas) memory is policed separately through RSS. */
  maxOldSpaceMb: number;
  /** Niceness the child gives itself (0: none). */
  nice?: number;
}

interface InFlight {
  message: Extract<ParentMessage, { type: "request" }>;
  bytes: Uint8Array | undefined;
  resolve: (result: unknown) => void;
  reject: (error: PdfError) => void;
  cancelTimer: () => void;
}

/**
 * Arms the time limit of one operation: calls `onTimeout` after `timeoutMs` unless the
 * returned function is called first. Injected by tests so a timeout is an event they trigger,
 * not a race against how fast this machine renders.
 */
export type OperationTimer = (timeoutMs: number, onTimeout: () => void, operation: WorkerOperation["kind"]) => () => void;

/** The real limit: a timer on the wall clock. */
export const wallClockTimer: OperationTimer = (timeoutMs, onTimeout) => {
  const timer = setTimeout(onTimeout, timeoutMs);
  return () => clearTimeout(timer);
};

/**
 * One render worker child process, seen from the pool: starts it, sends it one request at a
 * time with a wall-clock limit, and turns every way it can die into a PdfError for the request
 * it was serving. Sends a document's bytes only when the child is not known to hold it.
 */
export class RenderWorkerProcess {
  state: WorkerState = "starting";
  /** Resolves when the child has loaded pdf.js and taken its config. */
  readonly ready: Promise<void>;
  /** Resolves once the child process has exited, however that happened. */
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  readonly #onDeath: (worker: RenderWorkerProcess) => void;
  #cachedKeys = new Set<string>();
  #inFlight: InFlight | undefined;
  #killReason: PdfError | undefined;
  #stderrTail = "";
  #nextId = 1;
  #everReady = false;

  constructor(options: WorkerProcessOptions, onDeath: (worker: RenderWorkerProcess) => void) {
    this.#onDeath = onDeath;
    this.#child = fork(workerEntry, [String(options.nice ?? 0)], {
      execArgv: [`--max-old-space-size=${options.maxOldSpaceMb}`],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.#child.stderr?.setEncoding("utf8");
    this.#child.stderr?.on("data", (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    let markReady: () => void = () => undefined;
    let failStart: (error: PdfError) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // Nobody may be waiting on a worker that dies while starting; the pool learns via onDeath.
    this.ready.catch(() => undefined);
    let markExited: () => void = () => undefined;
    this.exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    let exitHandled = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exitHandled) return;
      exitHandled = true;
      this.#handleExit(code, signal, failStart);
      markExited();
    };
    this.#child.once("exit", onExit);
    this.#child.on("error", (error) => {
      const reason = new PdfError("WORKER_CRASHED", `Render worker failed: ${error.message}`);
      this.kill(reason);
      // A child that never spawned (EAGAIN, ENOMEM) may never emit "exit".
      if (this.#child.pid === undefined) onExit(null, null);
    });
    this.#child.on("message", (message: ChildMessage) => this.#handleMessage(message, markReady));
    this.#send({ type: "init", config: options.config });
  }

  /** The child's pid (undefined only if the OS refused to spawn it). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the child ever finished starting (a child that never does is a broken install). */
  get everReady(): boolean {
    return this.#everReady;
  }

  /** Whether the child is known to have `documentKey` open. */
  holds(documentKey: string): boolean {
    return this.#cachedKeys.has(documentKey);
  }

  /** Number of documents the child reported holding. */
  get documentCount(): number {
    return this.#cachedKeys.size;
  }

  /**
   * Runs one operation. Only call while `state` is "idle". Rejects with the child's PdfError,
   * PAGE_TIMEOUT after `timeoutMs` (the child is killed), or whatever `kill` was given.
   */
  run<K extends WorkerOperation["kind"]>(
    operation: Extract<WorkerOperation, { kind: K }>,
    target: { documentKey: string; bytes: Uint8Array } | undefined,
    timeoutMs: number,
    timer: OperationTimer = wallClockTimer,
  ): Promise<WorkerResultByKind[K]> {
    if (this.state !== "idle") return Promise.reject(new Error(`Worker is ${this.state}, not idle`));
    this.state = "busy";
    return new Promise<WorkerResultByKind[K]>((resolve, reject) => {
      const message: InFlight["message"] = {
        type: "request",
        id: this.#nextId++,
        operation,
        ...(target ? { documentKey: target.documentKey } : {}),
        ...(target && !this.holds(target.documentKey) ? { bytes: target.bytes } : {}),
      };
      const cancelTimer = timer(
        timeoutMs,
        () => this.kill(new PdfError("PAGE_TIMEOUT", `${operation.kind} did not finish within ${timeoutMs} ms`)),
        operation.kind,
      );
      this.#inFlight = {
        message,
        bytes: target?.bytes,
        resolve: resolve as (result: unknown) => void,
        reject,
        cancelTimer,
      };
      this.#send(message);
    });
  }

  /**
   * Kills the child now. The request it was serving (if any) rejects at once with `reason`,
   * without waiting for the exit.
   */
  kill(reason: PdfError): void {
    if (this.state === "dead") return;
    this.#killReason ??= reason;
    this.#settle((inFlight) => inFlight.reject(reason));
    this.state = "dead";
    this.#child.kill("SIGKILL");
  }

  #send(message: ParentMessage): void {
    if (!this.#child.connected) return;
    this.#child.send(message, (error) => {
      if (error) this.kill(new PdfError("WORKER_CRASHED", `Render worker unreachable: ${error.message}`));
    });
  }

  #settle(action: (inFlight: InFlight) => void): void {
    const inFlight = this.#inFlight;
    if (!inFlight) return;
    this.#inFlight = undefined;
    inFlight.cancelTimer();
    if (this.state === "busy") this.state = "idle";
    action(inFlight);
  }

  #handleMessage(message: ChildMessage, markReady: () => void): void {
    if (message.type === "ready") {
      this.#everReady = true;
      if (this.state === "starting") this.state = "idle";
      markReady();
      return;
    }
    const inFlight = this.#inFlight;
    if (!inFlight || inFlight.message.id !== message.id) return;
    if (message.type === "need-bytes") {
      if (inFlight.bytes) this.#send({ ...inFlight.message, bytes: inFlight.bytes });
      else this.#settle((f) => f.reject(new PdfError("WORKER_CRASHED", "Worker asked for bytes that were not given")));
      return;
    }
    this.#cachedKeys = new Set(message.cachedKeys);
    if (message.type === "result") this.#settle((f) => f.resolve(message.result));
    else this.#settle((f) => f.reject(new PdfError(message.code, message.message)));
  }

  #handleExit(code: number | null, signal: NodeJS.Signals | null, failStart: (error: PdfError) => void): void {
    const wasStarting = this.state === "starting";
    const reason = this.#killReason ?? this.#crashReason(code, signal);
    this.#settle((inFlight) => inFlight.reject(reason));
    this.state = "dead";
    this.#cachedKeys.clear();
    if (wasStarting) failStart(reason);
    this.#onDeath(this);
  }

  #crashReason(code: number | null, signal: NodeJS.Signals | null): PdfError {
    const tail = this.#stderrTail.trim().split("\n").slice(-5).join("\n");
    // V8 prints this (then a native stack) when the child hits --max-old-space-size.
    const heapFatal = /FATAL ERROR:.*(?:heap out of memory|Reached heap limit).*/i.exec(this.#stderrTail);
    if (heapFatal) return new PdfError("WORKER_MEMORY_EXCEEDED", `Render worker ran out of V8 heap: ${heapFatal[0]}`);
    return new PdfError("WORKER_CRASHED", `Render worker exited (code ${code}, signal ${signal})${tail ? `: ${tail}` : ""}`);
  }
}
