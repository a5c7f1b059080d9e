/**
 * Thread entry started by each render worker. A worker stuck in a hostile page cannot run its
 * own event loop, so if the pool's process dies without killing it (SIGKILL, OOM) nothing on the
 * main thread would notice. This thread would: once the parent is gone (we are re-parented), it
 * kills the whole worker process.
 */
import { workerData } from "node:worker_threads";

const { parentPid, intervalMs } = workerData as { parentPid: number; intervalMs: number };

setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, "SIGKILL");
}, intervalMs);
