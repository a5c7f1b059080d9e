import { afterAll, describe, expect, it } from "vitest";
import { createLocalAdapter, LOCAL_EMBEDDING_MODEL } from "../../../src/providers/local-adapter.ts";
import { createOffloadedLocalAdapter } from "../../../src/text-work/offloaded-local-adapter.ts";
import { InProcessTextWork, TextWorkError, TextWorkPool } from "../../../src/text-work/text-work-pool.ts";
import { bodyLines, item, page } from "../text/text-items.ts";

// A small paper: a running header on every page, headed sections, a hyphenated word across a
// line break and a numbered bibliography, so every task has real work to do.
const PARAGRAPH =
  "Retrieval systems rank documents by estimated relevance. Link analysis adds authority from the citation graph. " +
  "We measure both signals on a shared collection and report where they dis-\nagree with human judgements.";
const pages = Array.from({ length: 6 }, (_, i) =>
  [
    "Journal of Tests 12 (2024)",
    `## ${i + 1}. Section on ranking signals ${i + 1}`,
    `${PARAGRAPH} Page ${i + 1} adds its own remark about sample ${i * 7} and method ${i % 3}.`,
    i === 5
      ? "## References\n\n1. A. Author and B. Writer. Ranking with links. In Proc. SIGIR, 1998.\n2. C. Person. Authority in graphs. J. ACM 46(5), 1999."
      : "The next section extends the analysis to larger collections and longer documents.",
    `${i + 1}`,
  ].join("\n\n"),
);
const layer = page([
  item("A Heading In Large Type", 72, 72, { fontSize: 18, fontName: "Times-Bold", bold: true }),
  ...bodyLines(["Body text of the page runs on for a while", "and continues on a second line here."], 72, 110),
]);

describe("text work on worker threads", () => {
  // One thread: each thread loads the tokenizer (seconds on a busy CI machine), once.
  const pool = new TextWorkPool({ threads: 1 });
  const inProcess = new InProcessTextWork();
  afterAll(() => pool.close());

  it("gives the same results as the in-process path for every pipeline task", async () => {
    const body = await inProcess.run("documentLayout", [[layer]]);
    const calls = [
      pool.run("documentLayout", [[layer]]),
      pool.run("pageMarkdown", [layer, "", body]),
      pool.run("pageMarkdown", [undefined, "OCR TEXT\nof a scanned page", body]),
      pool.run("cleanPages", [pages]),
      pool.run("summarizeExtractive", [pages, { maxSentences: 3, maxTokens: 200 }]),
      pool.run("chunkMarkdownPages", [pages, { targetTokens: 64, overlapTokens: 8 }]),
      pool.run("extractReferences", [pages]),
      pool.run("countTokens", [pages.join("\n")]),
    ];
    const expected = [
      body,
      await inProcess.run("pageMarkdown", [layer, "", body]),
      await inProcess.run("pageMarkdown", [undefined, "OCR TEXT\nof a scanned page", body]),
      await inProcess.run("cleanPages", [pages]),
      await inProcess.run("summarizeExtractive", [pages, { maxSentences: 3, maxTokens: 200 }]),
      await inProcess.run("chunkMarkdownPages", [pages, { targetTokens: 64, overlapTokens: 8 }]),
      await inProcess.run("extractReferences", [pages]),
      await inProcess.run("countTokens", [pages.join("\n")]),
    ];
    expect(await Promise.all(calls)).toEqual(expected);
    // The inputs exercise each task (a result that is empty everywhere would prove nothing).
    const [, markdown, , cleaned, summary, chunks, references, tokens] = expected as [
      number, string, string, { pages: string[] }, { sentences: unknown[] }, unknown[], unknown[], number,
    ];
    expect(markdown).toMatch(/^#+ A Heading In Large Type/);
    expect(cleaned.pages.join("\n")).not.toContain("Journal of Tests 12");
    expect(summary.sentences.length).toBeGreaterThan(0);
    expect(chunks.length).toBeGreaterThan(1);
    expect(references).toHaveLength(2);
    expect(tokens).toBeGreaterThan(100);
    // Room for the tokenizer's first load in both threads on a loaded machine; not a speed check.
  }, 60_000);

  it("clusters research results on a thread exactly as in process", async () => {
    const documents = ["bitcoin block proof coin", "bitcoin coin proof chain", "patient hospital care staff", "patient care hospital ward"].map((text, i) => ({ documentId: `d${i}`, vectors: [[i < 2 ? 1 : 0, i < 2 ? 0 : 1]], text }));
    const mentions = [0, 1].map((i) => ({ documentId: `d${i}`, page: 1, text: "Google File System", acronym: "GFS", kind: "SYSTEM", count: 2 }));
    const topics = await pool.run("clusterTopics", [documents]);
    expect(topics).toEqual(await inProcess.run("clusterTopics", [documents]));
    expect(topics.map((topic) => topic.documentIds)).toEqual(expect.arrayContaining([["d0", "d1"], ["d2", "d3"]]));
    const entities = await pool.run("clusterEntities", ["batch", mentions, []]);
    expect(entities).toEqual(await inProcess.run("clusterEntities", ["batch", mentions, []]));
    expect(entities.map((cluster) => cluster.documentIds)).toEqual([["d0", "d1"]]);
  });

  it("surfaces a task's error as a TextWorkError naming the task, and keeps serving", async () => {
    const error = await pool.run("fail", ["the layout fell over"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TextWorkError);
    expect(error).toMatchObject({ task: "fail", message: "Text task fail failed: the layout fell over" });
    await expect(inProcess.run("fail", ["the layout fell over"])).rejects.toMatchObject({
      message: "Text task fail failed: the layout fell over",
    });
    await expect(pool.run("countTokens", ["still here"])).resolves.toBe(await inProcess.run("countTokens", ["still here"]));
  });

  it("rejects a task whose signal is already aborted without running it", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(pool.run("countTokens", ["never counted"], { signal: controller.signal })).rejects.toBeDefined();
    await expect(inProcess.run("countTokens", ["never counted"], { signal: controller.signal })).rejects.toThrow("cancelled");
  });

  it("embeds for the local provider on the pool exactly as the inline adapter does, errors included", async () => {
    const inline = createLocalAdapter({ embeddingDim: 64 });
    const offloaded = createOffloadedLocalAdapter(pool, 64);
    const signal = new AbortController().signal;
    const call = { model: LOCAL_EMBEDDING_MODEL, inputs: pages.slice(0, 3), signal, timeoutMs: 10_000 };
    const expected = await inline.embed!(call);
    expect(expected.vectors).toHaveLength(3);
    expect(await offloaded.embed!(call)).toEqual(expected);
    const wrongModel = { ...call, model: "text-embedding-3-small" };
    const inlineError = await inline.embed!(wrongModel).catch((e: unknown) => e);
    await expect(offloaded.embed!(wrongModel)).rejects.toMatchObject({ code: (inlineError as { code: string }).code });
  });
});
