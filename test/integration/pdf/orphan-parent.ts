/**
 * Script for the orphan test: starts a pool busy on a slow page, prints the worker pids as
 * JSON, then waits to be killed.
 */
import { RenderPool } from "../../../src/pdf/render-pool.ts";
import { buildSlowPdf, buildTextPdf } from "../../helpers/pdf-fixtures.ts";

const pool = new RenderPool({ size: 2 });
const slow = buildSlowPdf(200_000);
pool.renderPage({ documentKey: "slow", bytes: slow, pageNumber: 1, dpi: 300 }).catch(() => undefined);
pool.inspect("idle", await buildTextPdf({ pages: 1 })).catch(() => undefined);
const timer = setInterval(() => {
  const { workers } = pool.stats();
  if (workers.some((w) => w.state === "busy") && workers.every((w) => w.state !== "starting")) {
    clearInterval(timer);
    console.log(JSON.stringify(workers.map((w) => w.pid)));
  }
}, 20);
