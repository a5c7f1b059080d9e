import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { buildSlowPdf, buildTextPdf, buildTruncatedPdf, TEXT_FIXTURE } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { runCli } from "./run-cli.ts";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe("quire CLI against a real server: batches", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_USER_RPM: "100000" } });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    env = { QUIRE_URL: `http://127.0.0.1:${testApp.app.address()!.port}`, QUIRE_API_KEY: user.key };
    dir = await mkdtemp(path.join(os.tmpdir(), "quire-cli-"));
    await writeFile(path.join(dir, "alpha.pdf"), await buildTextPdf({ pages: 2, references: 2 }));
    await writeFile(path.join(dir, "beta.pdf"), await buildTextPdf({ pages: 1, references: 2 }));
    await writeFile(path.join(dir, "broken.pdf"), await buildTruncatedPdf());
    await writeFile(path.join(dir, "notes.txt"), "not a pdf");
  });
  afterAll(async () => {
    await testApp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("uploads a folder, prints plain progress without a terminal, writes --out files, and exits 1 naming the failed document", async () => {
    const out = path.join(dir, "out");
    const run = await runCli(["upload", dir, "--out", out, "--label", "cli-test"], env);

    expect(run.code).toBe(1);
    // Plain lines, no bars or colours when stderr is not a terminal.
    expect(run.stderr).not.toMatch(ANSI);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).toMatch(/alpha\.pdf: RENDER done/);
    expect(run.stderr).toMatch(/alpha\.pdf: COMPLETED/);
    expect(run.stderr).toMatch(/1 of 3 documents did not complete:\n\s+- broken\.pdf: FAILED - PDF_CORRUPT: /);
    // The summary table has one row per document.
    expect(run.stdout).toMatch(/^alpha\.pdf\s+COMPLETED\s+2\s+100%/m);
    expect(run.stdout).toMatch(/^beta\.pdf\s+COMPLETED\s+1\s+100%/m);
    expect(run.stdout).toMatch(/^broken\.pdf\s+FAILED\s+-\s+\d+%\s+PDF_CORRUPT/m);
    expect(run.stdout).toMatch(/Batch [0-9a-f-]{36} "cli-test": PARTIAL, 2 of 3 completed, 1 failed/);

    // One folder per completed document, with its markdown, summary and references.
    expect((await readdir(out)).sort()).toEqual(["alpha", "beta"]);
    const markdown = await readFile(path.join(out, "alpha", "document.md"), "utf8");
    expect(markdown).toContain("Section 1: Background");
    expect(markdown).toContain(TEXT_FIXTURE.reference(1));
    const summary = await readFile(path.join(out, "alpha", "summary.md"), "utf8");
    expect(summary.trim().length).toBeGreaterThan(20);
    const references = JSON.parse(await readFile(path.join(out, "alpha", "references.json"), "utf8")) as { raw: string }[];
    expect(references).toHaveLength(2);

    // The same batch's report and exports.
    const batchId = /Batch ([0-9a-f-]{36})/.exec(run.stdout)![1]!;
    const report = await runCli(["report", batchId], env);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("Documents: 3 (2 completed, 1 failed), 3 pages");
    expect(report.stdout).toContain("References: 4");
    expect(report.stdout).toMatch(/^Failures\nCODE\s+COUNT\nPDF_CORRUPT\s+1$/m);
    const reportJson = JSON.parse((await runCli(["--json", "report", batchId], env)).stdout) as { documentCount: number; failures: unknown[] };
    expect(reportJson).toMatchObject({ documentCount: 3, failures: [{ code: "PDF_CORRUPT", count: 1 }] });

    const graphml = path.join(dir, "graph.graphml");
    const exported = await runCli(["export", batchId, "--format", "graphml", "--out", graphml], env);
    expect(exported.code).toBe(0);
    const xml = await readFile(graphml, "utf8");
    expect(xml).toMatch(/^<\?xml[^>]*\?>\s*<graphml/);
    const graph = JSON.parse((await runCli(["export", batchId, "--format", "json"], env)).stdout) as { nodes: unknown[] };
    expect(Array.isArray(graph.nodes)).toBe(true);
    const missing = await runCli(["export", "00000000-0000-0000-0000-000000000000"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No batch 00000000-0000-0000-0000-000000000000 is visible with this key.");
  });

  it("refuses a file that is not a PDF before sending anything (exit 2)", async () => {
    const before = await testApp.app.services().db.prisma.batchJob.count();
    const run = await runCli(["upload", path.join(dir, "alpha.pdf"), path.join(dir, "notes.txt")], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("notes.txt: not a PDF");
    expect(await testApp.app.services().db.prisma.batchJob.count()).toBe(before);
  });

  it("lists, shows, cancels and retries batches, with --json for scripts", async () => {
    await writeFile(path.join(dir, "slow.pdf"), buildSlowPdf());
    const queued = await runCli(["upload", path.join(dir, "slow.pdf"), "--no-wait", "--priority", "LOW"], env);
    expect(queued.code).toBe(0);
    const batchId = queued.stdout.trim();
    expect(batchId).toMatch(/^[0-9a-f-]{36}$/);

    const cancelled = await runCli(["--json", "cancel", batchId], env);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ id: batchId, status: "CANCELLED", documents: [{ filename: "slow.pdf", status: "CANCELLED" }] });

    const retried = await runCli(["--json", "retry", batchId], env);
    expect(retried.code).toBe(0);
    expect(["QUEUED", "RUNNING"]).toContain((JSON.parse(retried.stdout) as { status: string }).status);
    expect((await runCli(["cancel", batchId], env)).stdout).toMatch(/slow\.pdf\s+CANCELLED/);

    const status = await runCli(["--json", "status", batchId], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: batchId, status: "CANCELLED" });

    const listed = await runCli(["--json", "batches", "--first", "1"], env);
    const page = JSON.parse(listed.stdout) as { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page.edges.map((edge) => edge.node.id)).toEqual([batchId]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const table = await runCli(["batches"], env);
    expect(table.stdout).toMatch(/^BATCH\s+LABEL\s+STATUS/m);
    expect(table.stdout).toContain(batchId);
    expect(table.stdout).toMatch(/cli-test\s+PARTIAL\s+2\/3/);

    const unknown = await runCli(["status", "00000000-0000-0000-0000-000000000000"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No batch 00000000-0000-0000-0000-000000000000 is visible with this key.");
  });

  it("draws bars on a terminal", async () => {
    const run = await runCli(["upload", path.join(dir, "beta.pdf"), "--stages", "RENDER"], env, { tty: true });
    expect(run.code).toBe(0);
    // script(1) merges both streams into stdout: bars (block characters, cursor moves) then the table.
    expect(run.stdout).toMatch(ANSI);
    expect(run.stdout).toMatch(/beta\.pdf\s+[█░]+ 100% COMPLETED/);
    expect(run.stdout).toMatch(/batch\s+[█░]+ 100% COMPLETED 1\/1 done/);
  });

  it("explains a refused key and an unreachable server with exit 3, and a missing key with exit 2", async () => {
    const refused = await runCli(["batches"], { ...env, QUIRE_API_KEY: "qk_not-a-real-key" });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("The server refused the API key");
    const unreachable = await runCli(["batches", "--url", "http://127.0.0.1:9"], env);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("Cannot reach Quire at http://127.0.0.1:9");
    const missing = await runCli(["batches"], { QUIRE_URL: env.QUIRE_URL!, QUIRE_API_KEY: "" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No API key");
  });
});
