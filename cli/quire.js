#!/usr/bin/env node
// The `quire` command. The CLI is TypeScript run by Node's type stripping (Node >= 22.18);
// on an older `node` on PATH, it runs under the Node 24 that the project installs (the `node`
// devDependency), so `npx quire` works whatever Node the user's shell has.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./main.ts", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
const stripsTypes = major > 22 || (major === 22 && minor >= 18);

if (stripsTypes) {
  await import(entry);
} else {
  let projectNode;
  try {
    projectNode = createRequire(import.meta.url).resolve("node/bin/node");
  } catch {
    console.error(`quire needs Node.js 22.18 or newer (this is ${process.version}); run \`npm ci\` in the Quire folder to install it.`);
    process.exit(2);
  }
  // Ctrl-C reaches the child through the terminal's process group; forward what a supervisor sends.
  const child = spawn(projectNode, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  process.on("SIGINT", () => {});
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
}
