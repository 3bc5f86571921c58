import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Runs in the package folder, where Node resolves the package's own name through its exports map,
// in a separate process without the source condition, so the built dist/ files load.
const packageDir = fileURLToPath(new URL("../packages/middleware/", import.meta.url));
const expected = ["getMfaSessionPlugin", "mfaSessionMiddleware", "mfaSessionMiddlewareOptions", "isMfaRequiredError", "DEFAULT_MFA_SESSION_MODE"];

const listExports = (kind: "import" | "require"): string[] => {
  const script =
    kind === "require"
      ? `console.log(JSON.stringify(Object.keys(require("@mfa-session/middleware"))))`
      : `import("@mfa-session/middleware").then((m) => console.log(JSON.stringify(Object.keys(m))))`;
  const output = execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], { cwd: packageDir, encoding: "utf8" });
  return JSON.parse(output) as string[];
};

describe("@mfa-session/middleware entry points", () => {
  for (const kind of ["import", "require"] as const) {
    it(`loads with ${kind}`, () => {
      const names = listExports(kind);
      for (const name of expected) {
        assert.ok(names.includes(name), `${name} missing from ${kind}`);
      }
      assert.ok(!names.includes("default"), "the package has a default export");
    });
  }
});
