import { createHash } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

const MAX_FILE_MB = 13;
const uploadQuery = "mutation ($files: [File!]!) { uploadBatch(files: $files) { id documents { id filename sizeBytes sha256 } } }";

interface Answer {
  status: number;
  body: { data?: { uploadBatch: { id: string; documents: { id: string; filename: string; sizeBytes: number; sha256: string }[] } }; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * Uploads over a real socket to an API-only process (no worker takes the jobs): files are stored
 * as they stream in, the whole documented limit fits (2 × 13 MiB is over Yoga's default 25 MB),
 * and a refused upload leaves no row and no large object behind.
 */
describe("streamed uploads", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let url: string;
  let pdf: Uint8Array;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_ROLE: "api", QUIRE_MAX_FILES: "3", QUIRE_MAX_FILE_MB: String(MAX_FILE_MB) } });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    url = `http://127.0.0.1:${testApp.app.address()!.port}/graphql`;
    pdf = await buildTextPdf({ pages: 1 });
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** A PDF padded with a comment to `size` bytes (still a PDF: it starts with %PDF-). */
  function paddedPdf(size: number): Uint8Array {
    const bytes = new Uint8Array(size).fill(0x20);
    bytes.set(pdf);
    return bytes;
  }

  function form(files: { name: string; bytes: Uint8Array }[], map?: Record<string, string[]>): FormData {
    const body = new FormData();
    body.append("operations", JSON.stringify({ query: uploadQuery, variables: { files: files.map(() => null) } }));
    body.append("map", JSON.stringify(map ?? Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
    files.forEach((file, i) => body.append(String(i), new File([Buffer.from(file.bytes)], file.name, { type: "application/pdf" })));
    return body;
  }

  async function post(body: FormData, headers: Record<string, string> = user.headers): Promise<Answer> {
    const response = await fetch(url, { method: "POST", headers: { ...headers, "x-graphql-csrf": "1" }, body });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }

  /** Everything an upload can leave behind. */
  async function stored(): Promise<Record<"batches" | "documents" | "contents" | "staged" | "largeObjects", number>> {
    const rows = await testApp.app.services().db.prisma.$queryRaw<Record<string, bigint>[]>`
      SELECT (SELECT count(*) FROM batch_jobs) AS batches, (SELECT count(*) FROM document_jobs) AS documents,
             (SELECT count(*) FROM document_contents) AS contents, (SELECT count(*) FROM upload_staging) AS staged,
             (SELECT count(*) FROM pg_largeobject_metadata) AS "largeObjects"`;
    return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)])) as never;
  }

  it("stores the whole documented limit as it streams, with each file's SHA-256", async () => {
    const before = await stored();
    const files = [
      { name: "a.pdf", bytes: paddedPdf(MAX_FILE_MB * 1024 * 1024) },
      { name: "b.pdf", bytes: paddedPdf(MAX_FILE_MB * 1024 * 1024 - 1000) },
    ];
    const answer = await post(form(files));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const documents = answer.body.data!.uploadBatch.documents;
    expect(documents.map((d) => [d.filename, d.sizeBytes, d.sha256])).toEqual(
      files.map((file) => [file.name, file.bytes.byteLength, createHash("sha256").update(file.bytes).digest("hex")]),
    );
    expect(await stored()).toEqual({ ...before, batches: before.batches + 1, documents: before.documents + 2, contents: before.contents + 2, largeObjects: before.largeObjects + 2 });
    const back = await testApp.app.services().uploads.readDocument(documents[1]!.id);
    expect(Buffer.from(back).equals(Buffer.from(files[1]!.bytes))).toBe(true);
  });

  it("refuses a file over the limit, naming it, and keeps none of the request's files", async () => {
    const before = await stored();
    const answer = await post(form([{ name: "ok.pdf", bytes: pdf }, { name: "huge.pdf", bytes: paddedPdf(MAX_FILE_MB * 1024 * 1024 + 1) }, { name: "ok2.pdf", bytes: pdf }]));
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("INVALID_UPLOAD");
    expect(answer.body.errors?.[0]?.message).toMatch(/huge\.pdf is over 13\.0 MB/);
    expect(answer.body.errors?.[0]?.message).not.toMatch(/ok\.pdf/);
    expect(await stored()).toEqual(before);
  });

  it("refuses more files than QUIRE_MAX_FILES and keeps none", async () => {
    const before = await stored();
    const answer = await post(form([1, 2, 3, 4].map((i) => ({ name: `${i}.pdf`, bytes: pdf }))));
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("INVALID_UPLOAD");
    expect(answer.body.errors?.[0]?.message).toMatch(/at most 3 per request/);
    expect(await stored()).toEqual(before);
  });

  it("refuses a non-PDF and an empty file among PDFs, naming both, and keeps none", async () => {
    const before = await stored();
    const answer = await post(form([{ name: "ok.pdf", bytes: pdf }, { name: "notes.txt", bytes: new TextEncoder().encode("hello") }, { name: "empty.pdf", bytes: new Uint8Array() }]));
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("INVALID_UPLOAD");
    const issues = answer.body.errors?.[0]?.extensions?.issues as { filename: string; code: string }[];
    expect(issues.map((issue) => [issue.filename, issue.code])).toEqual([["notes.txt", "NOT_A_PDF"], ["empty.pdf", "EMPTY_FILE"]]);
    expect(await stored()).toEqual(before);
  });

  it("refuses a duplicate part name and a file mapped twice, keeping nothing", async () => {
    const before = await stored();
    const duplicate = form([{ name: "a.pdf", bytes: pdf }]);
    duplicate.append("0", new File([Buffer.from(pdf)], "b.pdf"));
    const twice = await post(duplicate);
    expect(twice.status).toBe(400);
    expect(twice.body.errors?.[0]?.message).toBe(`The multipart part "0" was sent twice; each part name may appear once.`);

    const mappedTwice = await post(form([{ name: "a.pdf", bytes: pdf }], { "0": ["variables.files.0", "variables.files.1"] }));
    expect(mappedTwice.status).toBe(400);
    expect(mappedTwice.body.errors?.[0]?.message).toMatch(/names 2 paths; map each file to exactly one/);

    const duplicateOperations = form([{ name: "a.pdf", bytes: pdf }]);
    duplicateOperations.set("operations", JSON.stringify({ query: "{ health { status } }" }));
    duplicateOperations.append("operations", JSON.stringify({ query: uploadQuery }));
    expect((await post(duplicateOperations)).body.errors?.[0]?.message).toMatch(/"operations" was sent twice/);
    expect(await stored()).toEqual(before);
  });

  it("drops bidi controls from filenames, so a name cannot pose as another extension", async () => {
    const answer = await post(form([{ name: "invoice\u202Efdp.exe", bytes: pdf }, { name: "\u2066a\u2069\u200Eb\u200F.pdf", bytes: pdf }]));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.uploadBatch.documents.map((d) => d.filename).sort()).toEqual(["ab.pdf", "invoicefdp.exe"]);
  });

  it("refuses an upload without an API key before storing anything", async () => {
    const before = await stored();
    const answer = await post(form([{ name: "a.pdf", bytes: pdf }]), {});
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await stored()).toEqual(before);
  });
});

describe("an upload cut off mid-file", () => {
  it("keeps nothing of it: the staged bytes are unlinked when the connection drops", async () => {
    const testApp = await startTestApp({ listen: true, env: { QUIRE_ROLE: "api" } });
    try {
      const { prisma } = testApp.app.services().db;
      const user = await createTestUserWithKey(prisma);
      const count = async () => {
        const [row] = await prisma.$queryRaw<{ staged: bigint; objects: bigint }[]>`
          SELECT (SELECT count(*) FROM upload_staging) AS staged, (SELECT count(*) FROM pg_largeobject_metadata) AS objects`;
        return { staged: Number(row!.staged), objects: Number(row!.objects) };
      };
      // Waits on the app's own upload store (its real methods, observed): the first bytes
      // stored, and the unlink that follows the drop.
      const store = testApp.app.services().uploads;
      const firstWrite = Promise.withResolvers<void>();
      const discarded = Promise.withResolvers<void>();
      const write = store.write.bind(store);
      const discard = store.discard.bind(store);
      vi.spyOn(store, "write").mockImplementation(async (...args) => {
        await write(...args);
        firstWrite.resolve();
      });
      vi.spyOn(store, "discard").mockImplementation(async (...args) => {
        await discard(...args);
        discarded.resolve();
      });
      const boundary = "cut-off-boundary";
      const operations = JSON.stringify({ query: uploadQuery, variables: { files: [null] } });
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.files.0"]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
      const socket = connect(testApp.app.address()!.port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: quire.test\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: ${10 * 1024 * 1024}\r\nAuthorization: ${user.headers.authorization}\r\nx-graphql-csrf: 1\r\n\r\n${head}`,
      );
      // 3 MiB of the promised 10: enough for the file to reach storage before the cut.
      for (let i = 0; i < 3; i++) socket.write(Buffer.alloc(1024 * 1024, 0x20));
      await firstWrite.promise;
      expect((await count()).staged).toBe(1);
      socket.destroy();
      await discarded.promise;
      expect(await count()).toEqual({ staged: 0, objects: 0 });
      expect(await prisma.documentJob.count()).toBe(0);
    } finally {
      await testApp.close();
    }
  });
});
