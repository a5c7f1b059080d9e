import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { havePapers, papersDir } from "../research/research-support.ts";
import type { WebSocketRoute } from "playwright-core";
import { buildDashboard, launchBrowser, SCREENSHOTS, type TestBrowser } from "./browser-support.ts";

/**
 * The dashboard and GraphiQL in real headless Chromium against a real server. The server the
 * browser talks to is an API-only process (QUIRE_ROLE=api), so a batch uploaded before the
 * worker process starts stays queued until the test cancels it: cancel and retry are tested
 * without racing the pipeline. The worker (QUIRE_ROLE=worker, same database) starts after that.
 * Form fields no profile answers go to a fake OpenAI-compatible server on 127.0.0.1 (called by
 * the Quire server, never by the browser).
 */

const WAIT = { timeout: 60_000 };

/** An element's text with every run of whitespace (Monaco draws non-breaking spaces) as one space. */
const textOf = async (page: TestBrowser["page"], selector: string): Promise<string> => (await page.locator(selector).innerText()).replace(/\s+/g, " ");

describe("dashboard and GraphiQL in Chromium", () => {
  let api: TestApp;
  let llm: FakeLlmServer;
  let worker: App | undefined;
  let owner: TestUserWithKey;
  let origin: string;
  let b: TestBrowser;
  const files: string[] = [];
  let dir: string | undefined;

  beforeAll(async () => {
    await buildDashboard();
    llm = await startFakeLlmServer();
    api = await startTestApp({
      listen: true,
      env: { QUIRE_ROLE: "api", HOST: "127.0.0.1", LLM_PROVIDER: "openai", OPENAI_BASE_URL: llm.openaiBaseUrl, OPENAI_API_KEY: "sk-test-key", EMBEDDING_PROVIDER: "local" },
    });
    owner = await createTestUserWithKey(api.app.services().db.prisma);
    const address = api.app.address()!;
    origin = `http://127.0.0.1:${address.port}`;
    b = await launchBrowser(origin);
    dir = mkdtempSync(join(tmpdir(), "quire-browser-"));
    for (const [name, pages] of [["alpha-report.pdf", 2], ["beta-study.pdf", 3], ["gamma-notes.pdf", 1], ["queued.pdf", 2]] as const) {
      const path = join(dir, name);
      writeFileSync(path, await buildTextPdf({ pages, references: 2 }));
      files.push(path);
    }
    const notPdf = join(dir, "notes.pdf");
    writeFileSync(notPdf, "just text, named like a PDF\n");
    files.push(notPdf);
  });

  afterAll(async () => {
    await b?.close();
    await worker?.stop();
    await api?.close();
    await llm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const startWorker = async (): Promise<void> => {
    const config = loadConfig({ DATABASE_URL: api.database.url, PORT: "0", LOG_LEVEL: "silent", NODE_ENV: "test", QUIRE_ROLE: "worker", QUIRE_RENDER_WORKERS: "1" });
    worker = buildApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent") });
    await worker.start({ listen: false });
  };

  it("serves GraphiQL from its own process: key prompt, a query over HTTP, a subscription over graphql-ws", async () => {
    const { page } = b;
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    await page.goto(`${origin}/graphql`);
    await page.fill("#key-input", owner.key);
    await page.press("#key-input", "Enter");
    await page.waitForSelector(".graphiql-container", WAIT);
    // It opens with our example operation.
    await expect.poll(() => textOf(page, ".graphiql-query-editor"), WAIT).toContain("RecentBatches");
    await page.click(".graphiql-execute-button");
    await expect.poll(() => textOf(page, ".graphiql-response"), WAIT).toContain('"batches": { "edges": [] }');
    await b.screenshot("graphiql-query");

    // ?query= opens a subscription; its first event arrives over graphql-ws with the same key.
    await page.goto(`${origin}/graphql?query=${encodeURIComponent("subscription Live { health(intervalMs: 200) { status role } }")}`);
    await page.waitForSelector(".graphiql-container", WAIT);
    await expect.poll(() => textOf(page, ".graphiql-query-editor"), WAIT).toContain("subscription Live");
    await page.click(".graphiql-execute-button");
    await expect.poll(() => textOf(page, ".graphiql-response"), WAIT).toContain('"role": "api"');
    expect(sockets.some((url) => url.startsWith(`ws://127.0.0.1:${new URL(origin).port}/graphql`))).toBe(true);
    await page.click(".graphiql-execute-button"); // stop the subscription
  });

  it("signs in with an API key, and says clearly when the key is wrong", async () => {
    const { page } = b;
    await page.goto(`${origin}/`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.fill("#api-key", "qk_not-a-real-key");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#sign-in-message").innerText(), WAIT).toContain("not accepted");
    await b.screenshot("sign-in-wrong-key");
    await page.fill("#api-key", owner.key);
    await page.click("button[type=submit]");
    await page.waitForSelector("#upload-title", WAIT);
    expect(await page.isVisible("#nav")).toBe(true);
  });

  it("cancels a queued batch, then retries it to completion once a worker runs", async () => {
    const { page } = b;
    await page.setInputFiles("#files", files[3]!);
    await page.waitForSelector("#file-list li", WAIT);
    await page.click("form button[type=submit]");
    await page.waitForSelector("#batch-status", WAIT);
    await expect.poll(() => page.locator("#batch-status").innerText(), WAIT).toBe("QUEUED");
    await page.click("#cancel-batch");
    await expect.poll(() => page.locator("#batch-status").innerText(), WAIT).toBe("CANCELLED");
    await expect.poll(() => page.locator("#documents tbody tr").getAttribute("data-status"), WAIT).toBe("CANCELLED");
    await b.screenshot("batch-cancelled");

    await startWorker();
    await page.click("#retry-batch");
    await expect.poll(() => page.locator("#batch-status").innerText(), WAIT).toBe("COMPLETED");
    await expect.poll(() => page.locator("#documents tbody tr").getAttribute("data-status"), WAIT).toBe("COMPLETED");
  });

  it("uploads several PDFs through the file input and follows every row live to COMPLETED", async () => {
    const { page } = b;
    await page.goto(`${origin}/#/upload`);
    await page.waitForSelector("#upload-title", WAIT);
    await page.setInputFiles("#files", [files[0]!, files[1]!, files[2]!, files[4]!]);
    // The text file named .pdf is refused before anything is sent.
    await expect.poll(() => page.locator("#refusals").innerText(), WAIT).toContain("notes.pdf: not a PDF");
    expect(await page.locator("#file-list li").count()).toBe(3);
    await page.fill("#label", "papers");
    await page.selectOption("#priority", "HIGH");
    await page.click("form button[type=submit]");
    await page.waitForSelector("#batch-status", WAIT);
    // A marker on window proves the rows update without a reload.
    await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
    await expect.poll(() => page.locator("#documents tbody tr").count(), WAIT).toBe(3);
    await expect
      .poll(() => page.locator("#documents tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status"))), WAIT)
      .toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    await expect.poll(() => page.locator("#batch-status").innerText(), WAIT).toBe("COMPLETED");
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
    expect(await page.locator("#batch-totals").innerText()).toContain("3 of 3 completed");
    await b.screenshot("dashboard-batch");
    await page.setViewportSize({ width: 390, height: 844 });
    await b.screenshot("dashboard-batch-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("opens a document and shows its rendered page thumbnails, summary and chunks", async () => {
    const { page } = b;
    await page.click("#documents tbody tr:nth-child(2) th a");
    await page.waitForSelector("#thumbnails", WAIT);
    await expect.poll(() => page.locator("#thumbnails img").count(), WAIT).toBe(3);
    // Every thumbnail is a decoded PNG (fetched under the key, shown from a blob: URL).
    await expect
      .poll(() => page.locator("#thumbnails img").evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth > 0)), WAIT)
      .toEqual([true, true, true]);
    expect((await page.locator("#summary").innerText()).length).toBeGreaterThan(20);
    expect(await page.locator("#references li").allInnerTexts()).toEqual([
      expect.stringContaining("Author 1. On fixture number 1."),
      expect.stringContaining("Author 2. On fixture number 2."),
    ]);
    await b.screenshot("document");
  });

  // Three real papers that cite each other (PPCoin cites Bitcoin; Primecoin cites both).
  it.skipIf(!havePapers)("shows a batch's research view: report, citation network as a graph and a table, exports", async () => {
    const { page } = b;
    await page.goto(`${origin}/#/upload`);
    await page.waitForSelector("#upload-title", WAIT);
    await page.setInputFiles("#files", ["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf", "cc-primecoin-2013.pdf"].map((name) => join(papersDir, name)));
    await page.waitForSelector("#file-list li:nth-child(3)", WAIT);
    for (const box of await page.locator('input[name="stage"]').all()) {
      if ((await box.getAttribute("value")) !== "CITATIONS") await box.uncheck();
    }
    await page.click("form button[type=submit]");
    await page.waitForSelector("#batch-status", WAIT);
    await expect.poll(() => page.locator("#batch-status").innerText(), { timeout: 180_000 }).toBe("COMPLETED");
    await page.click("#research-link");
    await page.waitForSelector("#citation-graph canvas", WAIT);
    await expect.poll(() => page.locator("#network-nodes tbody tr").count(), WAIT).toBe(3);
    const citedBy = await page.locator("#network-nodes tbody tr").evaluateAll((rows) =>
      Object.fromEntries(rows.map((row) => [row.querySelector("th")!.textContent, Number(row.querySelector('td[data-label="Cited by"]')!.textContent)])),
    );
    expect(Object.values(citedBy).sort()).toEqual([0, 1, 2]);
    expect(await page.locator("#network-metrics").innerText()).toContain("3 documents · 3 citations within the batch");
    expect(await page.locator("#batch-report").innerText()).toContain("3 of 3 completed, 0 failed");
    await b.screenshot("research");
    await page.click("#export-graphml");
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#export-graphml-link")]);
    const graphml = readFileSync((await download.path())!, "utf8");
    expect(graphml).toContain("<graphml");
    expect(graphml).toContain("cc-bitcoin-2008.pdf");
  }, 240_000);

  it("embeds a text file with embedFile, follows embeddingProgress and offers the vectors", async () => {
    const { page } = b;
    const lines = join(dir!, "lines.txt");
    writeFileSync(lines, "first line\nsecond line\n\nthird line\n");
    await page.goto(`${origin}/#/embeddings`);
    await page.setInputFiles("#embed-file", lines);
    await page.click("form button[type=submit]");
    // Wait for the job to end either way, then say how it ended (a failure shows its reason).
    await expect.poll(() => page.locator("#embed-status").innerText(), WAIT).toMatch(/: (completed|failed) /);
    expect(await page.locator("#embed-status").innerText()).toContain("completed · 3 of 3 lines");
    await page.click("#download-embeddings");
    await page.waitForSelector("#embeddings-link", WAIT);
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#embeddings-link")]);
    expect(download.suggestedFilename()).toBe("lines.ndjson");
    const text = readFileSync((await download.path())!, "utf8");
    const rows = text.trim().split("\n").map((line) => JSON.parse(line) as { text: string; vector: number[] });
    expect(rows.map((row) => row.text)).toEqual(["first line", "second line", "third line"]);
    expect(rows.every((row) => row.vector.length > 0)).toBe(true);
    await b.screenshot("embeddings");
  });

  it("offers the vectors of a job that ended before the page subscribed to it", async () => {
    const { page } = b;
    const prisma = api.app.services().db.prisma;
    const lines = join(dir!, "quick.txt");
    writeFileSync(lines, "only line\n");
    // The page's embeddingProgress subscription is held back until the worker has finished the
    // job, so its first and only event is a terminal SNAPSHOT, never FINISHED. Messages keep their
    // order (one queue); after this test the route passes everything straight through.
    let holding = true;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      let queue = Promise.resolve();
      ws.onMessage((message) => {
        queue = queue.then(async () => {
          const text = String(message);
          if (holding && text.includes("embeddingProgress")) {
            const { payload } = JSON.parse(text) as { payload: { variables: { id: string } } };
            await expect.poll(async () => (await prisma.embeddingJob.findUnique({ where: { id: payload.variables.id } }))?.status, WAIT).toBe("COMPLETED");
          }
          server.send(message);
        });
      });
    });
    try {
      await page.goto(`${origin}/#/embeddings`);
      await page.reload(); // a fresh page, so its socket goes through the route
      await page.setInputFiles("#embed-file", lines);
      await page.click("form button[type=submit]");
      await expect.poll(() => page.locator("#embed-status").innerText(), WAIT).toContain("quick.txt: completed · 1 of 1 lines");
      await page.click("#download-embeddings");
      await page.waitForSelector("#embeddings-link", WAIT);
      expect(await page.locator("form button[type=submit]").isDisabled()).toBe(false);
    } finally {
      holding = false;
    }
  });

  it("fills a form with generateBatchLive and shows every field with its source", async () => {
    const { page } = b;
    await page.goto(`${origin}/#/forms`);
    await page.waitForSelector("#forms-title", WAIT);
    await page.click("#run-fill");
    await expect.poll(() => page.locator("#fill-summary").innerText(), WAIT).toContain("6 fields");
    await b.screenshot("form-fill");
    const sources = await page.locator("#fill-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-source")));
    expect(sources).toHaveLength(6);
    expect(sources.filter((source) => source === "EXTRACTED")).toHaveLength(5);
    expect(await page.locator("#fill-rows tr[data-field=motivation]").getAttribute("data-source")).toBe("GENERATED");
    expect((await page.locator("#fill-rows tr[data-field=motivation] td.value").innerText()).length).toBeGreaterThan(0);
    expect(await page.locator("#fill-rows tr[data-field=email] td.value").innerText()).toBe("ada@example.org");
  });

  it("recovers from a dropped socket: says so, reconnects, and the batch still reaches COMPLETED", async () => {
    const { page } = b;
    // No worker while the socket is cut, so the batch is still running when the view reconnects.
    await worker!.stop();
    worker = undefined;
    const routes: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    });
    await page.goto(`${origin}/#/upload`);
    await page.reload(); // a fresh page, so its socket goes through the route
    await page.setInputFiles("#files", files[0]!);
    await page.waitForSelector("#file-list li", WAIT);
    await page.click("form button[type=submit]");
    await expect.poll(() => page.locator("#connection").getAttribute("data-state"), WAIT).toBe("live");
    expect(await page.locator("#batch-status").innerText()).toBe("QUEUED");
    await routes.at(-1)!.close({ code: 1001, reason: "test drops the socket" });
    await expect.poll(() => page.locator("#connection").innerText(), WAIT).toContain("reconnecting");
    await b.screenshot("batch-reconnecting");
    await expect.poll(() => routes.length, WAIT).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator("#connection").getAttribute("data-state"), WAIT).toBe("live");
    await startWorker();
    await expect.poll(() => page.locator("#batch-status").innerText(), WAIT).toBe("COMPLETED");
    expect(await page.locator("#documents tbody tr").getAttribute("data-status")).toBe("COMPLETED");
  });

  it("lists the batches, newest first, with their usage", async () => {
    const { page } = b;
    await page.goto(`${origin}/#/batches`);
    await expect.poll(() => page.locator("#batches tbody tr[data-batch]").count(), WAIT).toBeGreaterThanOrEqual(2);
    const first = await page.locator("#batches tbody tr[data-batch]").first().innerText();
    expect(first).toMatch(/COMPLETED/);
    expect(await page.locator("#batches td.usage").first().innerText()).toMatch(/^\d+ calls · \d+ tokens · \$\d+\.\d{4}$/);
    await b.screenshot("batches");
  });

  it("made no request to any other host and raised no script error", () => {
    expect(b.external).toEqual([]);
    expect(b.pageErrors).toEqual([]);
    expect(SCREENSHOTS).toContain("test-results");
  });
});
