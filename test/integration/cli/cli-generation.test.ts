import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastUserText } from "../../helpers/fake-llm-server.ts";
import { startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";
import { runCli } from "./run-cli.ts";

describe("quire CLI against a real server: fill and embed", () => {
  let harness: GenerationHarness;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    harness = await startGenerationHarness({ listen: true });
    env = { QUIRE_URL: harness.baseUrl, QUIRE_API_KEY: harness.user.key };
    dir = await mkdtemp(path.join(os.tmpdir(), "quire-cli-gen-"));
    await writeFile(
      path.join(dir, "form.json"),
      JSON.stringify({
        context: { company: "Acme", role: "Engineer" },
        fields: [
          { id: "name", label: "Full name", type: "TEXT" },
          { id: "email", label: "Email", type: "EMAIL" },
          { id: "motivation", label: "Why Acme?", type: "TEXTAREA" },
          { id: "salary", label: "Expected salary", type: "TEXT" },
        ],
      }),
    );
    await writeFile(path.join(dir, "profile.json"), JSON.stringify({ name: "Ada Lovelace", email: "ada@example.com" }));
  });
  afterAll(async () => {
    await harness.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("fills a form live: profile answers extracted, the rest generated, a refused call failing alone (exit 1)", async () => {
    harness.fake.respond = (request) => {
      const prompt = lastUserText(request.body);
      if (prompt.includes("Expected salary")) return { status: 400, body: { error: { message: "refused by the test" } } };
      return { body: { id: "x", object: "chat.completion", created: 0, model: "gpt-4o-mini", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "I admire Acme's engineering." } }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } };
    };
    const run = await runCli(["fill", path.join(dir, "form.json"), "--profile", path.join(dir, "profile.json")], env);
    expect(run.code).toBe(1);
    // Each field as it finishes (plain lines without a terminal), then the table in input order.
    expect(run.stderr).toMatch(/^EXTRACTED Full name: Ada Lovelace$/m);
    expect(run.stderr).toMatch(/^GENERATED Why Acme\?: I admire Acme's engineering\.$/m);
    const rows = run.stdout.split("\n").filter((line) => /^(Full name|Email|Why Acme\?|Expected salary)\s/.test(line));
    expect(rows.map((row) => row.split(/\s{2,}/).slice(0, 2))).toEqual([
      ["Full name", "EXTRACTED"],
      ["Email", "EXTRACTED"],
      ["Why Acme?", "GENERATED"],
      ["Expected salary", "FAILED"],
    ]);
    expect(run.stdout).toMatch(/4 fields: 2 extracted, 0 cached, 1 generated, 1 failed/);

    const json = await runCli(["--json", "fill", path.join(dir, "form.json"), "--profile", path.join(dir, "profile.json")], env);
    const parsed = JSON.parse(json.stdout) as { responses: { fieldId: string; source: string }[]; summary: { totalFields: number } };
    expect(parsed.responses.map((r) => r.fieldId)).toEqual(["name", "email", "motivation", "salary"]);
    expect(parsed.summary.totalFields).toBe(4);
  });

  it("names a form file that is not JSON (exit 2)", async () => {
    await writeFile(path.join(dir, "bad.json"), "{ fields: ");
    const run = await runCli(["fill", path.join(dir, "bad.json"), "--profile", path.join(dir, "profile.json")], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The form ${path.join(dir, "bad.json")} is not valid JSON`);
  });

  it("embeds a text file with progress and downloads the vectors as NDJSON", async () => {
    harness.fake.respond = null;
    const lines = Array.from({ length: 7 }, (_, i) => `line number ${i + 1}`);
    await writeFile(path.join(dir, "lines.txt"), [...lines.slice(0, 3), "", ...lines.slice(3)].join("\n") + "\n");
    const out = path.join(dir, "vectors.ndjson");
    const run = await runCli(["embed", path.join(dir, "lines.txt"), "--batch-size", "3", "--out", out], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^7\/7 lines$/m);
    expect(run.stdout).toContain(`Embedded 7 of 7 lines (0 failed); results in ${out}.`);
    const results = (await readFile(out, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { line: number; text: string; vector: number[] });
    expect(results.map((r) => r.text)).toEqual(lines);
    expect(results.map((r) => r.line)).toEqual([1, 2, 3, 5, 6, 7, 8]);
    expect(results.every((r) => r.vector.length > 0)).toBe(true);
  });
});
