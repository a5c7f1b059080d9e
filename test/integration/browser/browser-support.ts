import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Where the browser tests save screenshots (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/browser", import.meta.url));

/** Builds the dashboard (dist/web) exactly as `npm run build:web` does, so the test sees the sources it runs beside. */
export async function buildDashboard(): Promise<void> {
  const vite = fileURLToPath(new URL("../../../node_modules/vite/bin/vite.js", import.meta.url));
  const child = spawn(process.execPath, [vite, "build", "--config", "web/vite.config.ts"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`vite build failed (${code}):\n${output}`);
}

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Requests (and WebSockets) that tried to reach any host but the server under test. */
  external: string[];
  /** Uncaught errors in the page's scripts. */
  pageErrors: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium driven by playwright-core (no browser download). Every request to a host
 * other than `origin`'s is aborted and recorded, so a test can assert that none was made.
 */
export async function launchBrowser(origin: string, viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const allowedHost = new URL(origin).host;
  const external: string[] = [];
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === "http:" || url.protocol === "https:") && url.host !== allowedHost) {
      external.push(url.href);
      await route.abort("blockedbyclient");
    } else {
      await route.continue();
    }
  });
  const page = await context.newPage();
  page.on("websocket", (socket) => {
    if (new URL(socket.url()).host !== allowedHost) external.push(socket.url());
  });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return {
    browser,
    context,
    page,
    external,
    pageErrors,
    screenshot: async (name) => {
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    },
    close: () => browser.close(),
  };
}
