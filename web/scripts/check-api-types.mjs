// Fails when src/api/schema.d.ts is not what openapi-typescript makes of ../openapi.yaml.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fresh = join(mkdtempSync(join(tmpdir(), "api-types-")), "schema.d.ts");
execFileSync("npx", ["openapi-typescript", "../openapi.yaml", "-o", fresh], { stdio: "ignore" });
if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
  console.error("web/src/api/schema.d.ts is stale: run `npm run api:types` in web/ and commit it");
  process.exit(1);
}
console.log("web/src/api/schema.d.ts matches openapi.yaml");
