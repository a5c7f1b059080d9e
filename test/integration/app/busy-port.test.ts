import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("starting on a port that is already taken", () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
  });

  it("exits 1 with one line naming the port, without a stack or a WebSocket-server error", async () => {
    // Fails at listen, before the database is opened: this URL is never connected to.
    const child = spawn(process.execPath, ["src/main.ts"], {
      cwd: root,
      env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

    expect(code, output).toBe(1);
    const failures = output.split("\n").filter((line) => /"level":(50|60)/.test(line));
    expect(failures, output).toHaveLength(1);
    expect((JSON.parse(failures[0]!) as { msg: string }).msg).toBe(
      `startup failed: cannot listen on 127.0.0.1:${port}: the port is already in use; set PORT to another port (0 picks a free one)`,
    );
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/websocket/i);
  });
});
