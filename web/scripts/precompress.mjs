// Writes a brotli copy (`<file>.br`, best quality) beside every text asset of the build, so the
// server sends the smallest bytes without compressing on each request.
import { brotliCompressSync, constants } from "node:zlib";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs <build dir>");
  process.exit(2);
}

const TEXT = /\.(js|mjs|css|html|svg|json|txt)$/;
let before = 0;
let after = 0;

function walk(path) {
  for (const name of readdirSync(path)) {
    const file = join(path, name);
    if (statSync(file).isDirectory()) {
      walk(file);
    } else if (TEXT.test(name)) {
      const body = readFileSync(file);
      if (body.length < 1024) continue;
      const compressed = brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      });
      writeFileSync(`${file}.br`, compressed);
      before += body.length;
      after += compressed.length;
    }
  }
}

walk(dir);
console.log(`precompressed ${(before / 1024).toFixed(0)} KiB of assets to ${(after / 1024).toFixed(0)} KiB (brotli)`);
