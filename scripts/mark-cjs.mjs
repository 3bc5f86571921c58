// Marks a folder of compiled CommonJS output as such, because every package is "type": "module"
// and Node would otherwise load dist/cjs/*.js as ES modules.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: node scripts/mark-cjs.mjs <dist/cjs folder>");
  process.exit(2);
}
writeFileSync(join(folder, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
