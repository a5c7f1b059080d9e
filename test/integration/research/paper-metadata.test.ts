/**
 * Paper metadata and references through the API on three real papers (the cryptocurrency
 * white papers: PPCoin cites Bitcoin, Primecoin cites both), running only the stages
 * CITATIONS needs. Skipped when ../shared/corpus/papers is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import type { BatchView } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { havePapers, papersDir, runPapers } from "./research-support.ts";

if (!havePapers) console.warn(`[research/paper-metadata] skipped: corpus not found at ${papersDir}`);

const DOCUMENT_QUERY = `query ($id: ID!) { document(id: $id) {
  filename metadata { title authors year doi arxivId venue }
  references { index raw title authors year doi target { id filename } } } }`;

interface DocumentView {
  filename: string;
  metadata: { title: string | null; authors: string[]; year: number | null } | null;
  references: { index: number; raw: string; title: string | null; year: number | null; target: { id: string; filename: string } | null }[];
}

describe.skipIf(!havePapers)("paper metadata and references", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let stranger: TestUserWithKey;
  let batch: BatchView;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_RENDER_WORKERS: "2" } });
    owner = await createTestUserWithKey(testApp.app.services().db.prisma);
    stranger = await createTestUserWithKey(testApp.app.services().db.prisma);
    batch = await runPapers(testApp, owner.headers, ["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf", "cc-primecoin-2013.pdf"]);
  }, 300_000);
  afterAll(async () => {
    await testApp?.close();
  });

  const read = async (filename: string, headers = owner.headers) => {
    const id = batch.documents.find((document) => document.filename === filename)!.id;
    const result = await testApp.graphql<{ document: DocumentView | null }>(DOCUMENT_QUERY, { id }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!.document;
  };

  it("reads each paper's title, authors and year from its first page", async () => {
    expect(batch.status).toBe("COMPLETED");
    const ppcoin = (await read("cc-ppcoin-2012.pdf"))!;
    expect(ppcoin.metadata).toMatchObject({
      title: "PPCoin: Peer-to-Peer Crypto-Currency with Proof-of-Stake",
      authors: ["Sunny King", "Scott Nadal"],
      year: 2012,
    });
    expect((await read("cc-bitcoin-2008.pdf"))!.metadata).toMatchObject({ authors: ["Satoshi Nakamoto"] });
  });

  it("lists the bibliography in order and links entries to the papers of the batch", async () => {
    const bitcoin = await read("cc-bitcoin-2008.pdf");
    expect(bitcoin!.references.map((reference) => reference.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(bitcoin!.references.every((reference) => reference.target === null)).toBe(true);
    const primecoin = (await read("cc-primecoin-2013.pdf"))!;
    const targets = primecoin.references.flatMap((reference) => (reference.target ? [reference.target.filename] : [])).sort();
    expect(targets).toEqual(["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf"]);
    const linked = primecoin.references.find((reference) => reference.target?.filename === "cc-bitcoin-2008.pdf")!;
    expect(linked.raw).toMatch(/Bitcoin/);
  });

  it("shows another user nothing", async () => {
    expect(await read("cc-primecoin-2013.pdf", stranger.headers)).toBeNull();
  });
});
