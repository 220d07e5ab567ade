// npm run build (run by `npm start` first): compiles src/ to dist/ with esbuild, one file per
// source file (no bundling, so PGlite and Baileys find their own assets), and copies every other
// file that lives beside the code (FAQ content, WHO tables, the web chat page). dist/ mirrors src/ at the same
// depth, so paths such as ../../locales resolve to the same folders from either.
// Why compile: starting from JavaScript skips tsx's on-the-fly transform (≈ 1 s and ≈ 100 MB of
// RSS at start, BENCHMARKS.md); tests, scripts and development keep running the sources with tsx.
import { cpSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");
const out = join(root, "dist");
const files = readdirSync(src, { recursive: true, encoding: "utf8" });
const code = files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => join(src, f));
const data = files.filter((f) => !f.endsWith(".ts") && statSync(join(src, f)).isFile());

rmSync(out, { recursive: true, force: true });
await build({ entryPoints: code, outdir: out, outbase: src, format: "esm", platform: "node", target: "node20", logLevel: "warning" });
for (const f of data) cpSync(join(src, f), join(out, f));
