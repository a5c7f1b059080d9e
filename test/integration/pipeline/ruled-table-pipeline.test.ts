import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch, waitForBatch } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

/** A page of prose over a ruled grid with no caption: only its drawn rules make it a table. */
async function ruledTablePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  page.drawText("The staff of the project and their roles are listed below.", { x: 72, y: 700, size: 10, font });
  const rows = [["Name", "Role"], ["Ada Lovelace", "analyst"], ["Alan Turing", "cryptographer"]];
  const [top, xs] = [660, [100, 250, 400]];
  for (let r = 0; r <= rows.length; r++) page.drawLine({ start: { x: 100, y: top - 20 * r }, end: { x: 400, y: top - 20 * r }, thickness: 0.5 });
  for (const x of xs) page.drawLine({ start: { x, y: top }, end: { x, y: top - 20 * rows.length }, thickness: 0.5 });
  rows.forEach((cells, r) => cells.forEach((cell, c) => page.drawText(cell, { x: xs[c]! + 4, y: top - 20 * r - 13, size: 10, font })));
  return pdf.save();
}

describe("ruled tables through the pipeline", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_RENDER_WORKERS: "1" } });
    owner = await createTestUserWithKey(testApp.app.services().db.prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("carries the drawn rules from EXTRACT to PARSE, which writes the grid as a markdown table", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "staff.pdf", bytes: await ruledTablePdf() }], { stages: ["EXTRACT", "PARSE", "CLEAN"] });
    expect(upload.errors).toBeUndefined();
    const batch = await waitForBatch(testApp, owner.headers, upload.data!.uploadBatch.id);
    expect(batch.status).toBe("COMPLETED");
    const detail = await testApp.graphql<{ document: { pages: { markdown: string }[] } }>(
      `query ($id: ID!) { document(id: $id) { pages { markdown } } }`,
      { id: batch.documents[0]!.id },
      owner.headers,
    );
    expect(detail.data!.document.pages[0]!.markdown).toBe(
      "The staff of the project and their roles are listed below.\n\n| Name | Role |\n| --- | --- |\n| Ada Lovelace | analyst |\n| Alan Turing | cryptographer |",
    );
  });
});
