// The npm registry reachable from our build machines carries only the Linux builds of
// @napi-rs/canvas >= 1.0.13. `npm install` then writes a lockfile without the other
// platforms' optional packages, and `npm ci` rejects it as out of sync. This adds the
// missing optional entries (os/cpu-restricted, so npm skips them on Linux) after every
// `npm install`. Plain .mjs: it must run on whatever Node npm itself uses.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const platforms = {
  "android-arm64": ["android", "arm64"],
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "linux-arm-gnueabihf": ["linux", "arm", "glibc"],
  "linux-arm64-gnu": ["linux", "arm64", "glibc"],
  "linux-arm64-musl": ["linux", "arm64", "musl"],
  "linux-riscv64-gnu": ["linux", "riscv64", "glibc"],
  "linux-x64-gnu": ["linux", "x64", "glibc"],
  "linux-x64-musl": ["linux", "x64", "musl"],
  "win32-arm64-msvc": ["win32", "arm64"],
  "win32-x64-msvc": ["win32", "x64"],
};
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key.endsWith("node_modules/@napi-rs/canvas") || !entry.optionalDependencies) continue;
  const base = key.slice(0, -"@napi-rs/canvas".length);
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const slot = base + name;
    if (lock.packages[slot]) continue;
    const [os, cpu, libc] = platforms[name.replace("@napi-rs/canvas-", "")] ?? [];
    if (!os) continue;
    lock.packages[slot] = { version, cpu: [cpu], license: "MIT", optional: true, os: [os], ...(libc ? { libc: [libc] } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lock-platform-stubs: ${added} optional platform entries added`);
