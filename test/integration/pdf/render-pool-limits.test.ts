import { beforeAll, describe, expect, it } from "vitest";
import { PdfError } from "../../../src/pdf/pdf-error.ts";
import {
  buildLargePagePdf,
  buildPasswordProtectedPdf,
  buildSlowPdf,
  buildTextPdf,
  buildTruncatedPdf,
} from "../../helpers/pdf-fixtures.ts";
import { isAlive, trackPools, waitFor } from "./pool-tracker.ts";

const newPool = trackPools();

describe("render pool limits", () => {
  let text: Uint8Array;
  let slow: Uint8Array;
  beforeAll(async () => {
    text = await buildTextPdf({ pages: 3 });
    // About 2 s to rasterise at 150 DPI: long enough to time out, abort or kill mid-page.
    slow = buildSlowPdf();
  });

  it("fails an unparsable file with PDF_CORRUPT, permanently", async () => {
    const pool = newPool({ size: 1 });
    const error = await pool.inspect("cut", await buildTruncatedPdf()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfError);
    expect(error).toMatchObject({ code: "PDF_CORRUPT", permanent: true });
  });

  it("fails a password-protected file with PDF_ENCRYPTED", async () => {
    const pool = newPool({ size: 1 });
    const bytes = buildPasswordProtectedPdf();
    await expect(pool.inspect("locked", bytes)).rejects.toMatchObject({ code: "PDF_ENCRYPTED", permanent: true });
    await expect(pool.renderPage({ documentKey: "locked", bytes, pageNumber: 1, dpi: 72 })).rejects.toMatchObject({
      code: "PDF_ENCRYPTED",
    });
  });

  it("fails a document over maxPages with PDF_TOO_MANY_PAGES", async () => {
    const pool = newPool({ size: 1, maxPages: 2 });
    await expect(pool.inspect("three", text)).rejects.toMatchObject({ code: "PDF_TOO_MANY_PAGES", permanent: true });
    const two = await buildTextPdf({ pages: 2 });
    await expect(pool.inspect("two", two)).resolves.toMatchObject({ pageCount: 2 });
  });

  it("kills a page over the time limit with PAGE_TIMEOUT and serves the next request", async () => {
    // The time limit is injected: it expires when the test says, while the slow page is still
    // being rasterised (about 2 s), however fast or loaded this machine is.
    let expireRender = false;
    const pool = newPool({
      size: 1,
      pageTimeoutMs: 700,
      operationTimer: (_timeoutMs, onTimeout, operation) => {
        if (operation === "render" && expireRender) setImmediate(onTimeout);
        return () => undefined;
      },
    });
    await pool.inspect("slow", slow);
    const pidBefore = pool.stats().workers[0]?.pid ?? 0;
    expireRender = true;
    await expect(pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 150 })).rejects.toMatchObject({
      code: "PAGE_TIMEOUT",
      message: "render did not finish within 700 ms",
      permanent: false,
    });
    expireRender = false;
    await waitFor(() => !isAlive(pidBefore));
    const page = await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 72 });
    expect(page.width).toBe(612);
    expect(pool.stats().workers.map((w) => w.pid)).not.toContain(pidBefore);
  });

  it("kills a worker whose RSS passes the cap with WORKER_MEMORY_EXCEEDED", async () => {
    // A 10000 x 10000 canvas is 400 MB of native memory that V8's heap limit never sees.
    const pool = newPool({ size: 1, maxPixelsPerPage: 100_000_000, maxWorkerRssBytes: 300 * 2 ** 20, rssPollMs: 20 });
    const bytes = await buildLargePagePdf(14_400);
    await pool.inspect("large", bytes);
    const pid = pool.stats().workers[0]?.pid ?? 0;
    await expect(pool.renderPage({ documentKey: "large", bytes, pageNumber: 1, dpi: 150 })).rejects.toMatchObject({
      code: "WORKER_MEMORY_EXCEEDED",
    });
    await waitFor(() => !isAlive(pid));
    // Within the cap the same pool still works.
    await expect(pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 72 })).resolves.toBeDefined();
  });

  it("reports a worker that hits its V8 heap limit as WORKER_MEMORY_EXCEEDED", async () => {
    // 120k path operations need well over 64 MB of operator list on the JS heap.
    const pool = newPool({ size: 1, maxOldSpaceMb: 64 });
    const bytes = buildSlowPdf(120_000);
    const error = await pool.renderPage({ documentKey: "big", bytes, pageNumber: 1, dpi: 72 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "WORKER_MEMORY_EXCEEDED" });
    expect((error as Error).message).toMatch(/heap/);
    await expect(pool.inspect("text", text)).resolves.toMatchObject({ pageCount: 3 });
  });

  it("rejects an aborted render promptly with ABORTED, killing the busy worker", async () => {
    const pool = newPool({ size: 1 });
    await pool.inspect("slow", slow);
    const pid = pool.stats().workers[0]?.pid ?? 0;
    const controller = new AbortController();
    const render = pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 150 }, { signal: controller.signal });
    await waitFor(() => pool.stats().busy === 1);
    controller.abort();
    // ABORTED from a killed worker: the render was cut off, not waited for.
    await expect(render).rejects.toMatchObject({ code: "ABORTED" });
    await waitFor(() => !isAlive(pid));
    await expect(pool.extractPage({ documentKey: "text", bytes: text, pageNumber: 2 })).resolves.toBeDefined();
  });

  it("rejects an already-aborted signal without starting work, and a queued request without touching others", async () => {
    const pool = newPool({ size: 1 });
    await expect(
      pool.inspect("text", text, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "ABORTED" });
    expect(pool.stats().workers).toEqual([]);

    const first = pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 72 });
    const controller = new AbortController();
    const queued = pool.inspect("text", text, { signal: controller.signal });
    expect(pool.stats().queued).toBe(2);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: "ABORTED" });
    await expect(first).resolves.toMatchObject({ pageNumber: 1 });
  });

  it("reports a worker killed from outside as WORKER_CRASHED while the other worker carries on", async () => {
    const pool = newPool({ size: 2, pageTimeoutMs: 20_000 });
    const doomed = pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 150 });
    const survivor = pool.renderPage({ documentKey: "slow-2", bytes: slow, pageNumber: 1, dpi: 100 });
    await waitFor(() => pool.stats().busy === 2);
    const [victim, other] = pool.stats().workers;
    process.kill(victim?.pid ?? 0, "SIGKILL");
    const results = await Promise.allSettled([doomed, survivor]);
    const outcomes = results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as PdfError).code));
    expect(outcomes.sort()).toEqual(["WORKER_CRASHED", "ok"]);
    // Replaced: the pool is back to two workers, one of them new, and serves requests.
    await waitFor(() => pool.stats().workers.filter((w) => w.state === "idle").length === 2);
    const pids = pool.stats().workers.map((w) => w.pid);
    expect(pids).toContain(other?.pid);
    expect(pids).not.toContain(victim?.pid);
    await expect(pool.inspect("text", text)).resolves.toMatchObject({ pageCount: 3 });
  });

  it("never runs more than `size` requests at once and serves the queue in order", async () => {
    const pool = newPool({ size: 2 });
    const finished: number[] = [];
    let maxBusy = 0;
    let maxWorkers = 0;
    const sampler = setInterval(() => {
      const stats = pool.stats();
      maxBusy = Math.max(maxBusy, stats.busy);
      maxWorkers = Math.max(maxWorkers, stats.workers.length);
    }, 2);
    const requests = Array.from({ length: 10 }, (_, i) =>
      pool.renderPage({ documentKey: "text", bytes: text, pageNumber: (i % 3) + 1, dpi: 100 }).then(() => finished.push(i)),
    );
    expect(pool.stats().queued).toBe(10);
    await Promise.all(requests);
    clearInterval(sampler);
    expect(maxBusy).toBe(2);
    expect(maxWorkers).toBeLessThanOrEqual(2);
    expect(pool.stats().peakBusy).toBe(2);
    expect(finished).toHaveLength(10);

    const single = newPool({ size: 1 });
    const order: number[] = [];
    await Promise.all(
      [3, 1, 2].map((pageNumber) =>
        single.extractPage({ documentKey: "text", bytes: text, pageNumber }).then((p) => order.push(p.pageNumber)),
      ),
    );
    expect(order).toEqual([3, 1, 2]);
  });

  it("close() rejects pending work, stops every worker and refuses new work", async () => {
    const pool = newPool({ size: 2 });
    await pool.inspect("text", text);
    // Settled views taken now, so the rejections close() causes are handled.
    const running = Promise.allSettled([pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 150 })]);
    const waiting = Promise.allSettled(
      [1, 2, 3].map((n) => pool.extractPage({ documentKey: "text", bytes: text, pageNumber: n })),
    );
    await waitFor(() => pool.stats().busy >= 1);
    const pids = pool.stats().workers.map((w) => w.pid ?? 0);
    await pool.close();
    const [slowOutcome] = await running;
    expect(slowOutcome).toMatchObject({ status: "rejected", reason: { code: "POOL_CLOSED" } });
    const settled = await waiting;
    // The idle worker may have finished some before close(); none may hang.
    for (const r of settled) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "POOL_CLOSED" });
    expect(pids.filter(isAlive)).toEqual([]);
    expect(pool.stats().workers).toEqual([]);
    await expect(pool.inspect("text", text)).rejects.toMatchObject({ code: "POOL_CLOSED" });
  });
});
