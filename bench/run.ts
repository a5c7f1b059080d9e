/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts with the project's Node and passes the
 * remaining arguments through; without a name it lists the benchmarks.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
// bench-*.ts are helpers the benchmarks share, not benchmarks.
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3))
  .filter((name) => name !== "run" && !name.startsWith("bench-"))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(name ? `No benchmark named "${name}".` : "Name a benchmark.");
  console.error(`Available: ${available.join(", ")}`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(process.execPath, [`${benchDir}${name}.ts`, ...rest], { stdio: "inherit" });
process.exit(result.status ?? 1);
