import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const packages: { name: string; exports: string[] }[] = [
  { name: "@mfa-session/credential-provider", exports: ["fromMfaSession", "MfaSessionError", "clearSessionCache"] },
  { name: "@mfa-session/sts-local", exports: ["startStsLocal", "totpCode"] },
];

// Runs in a separate Node process without the source condition, so the built dist/ files load.
const listExports = (name: string, kind: "import" | "require"): string[] => {
  const script =
    kind === "require"
      ? `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)}))))`
      : `import(${JSON.stringify(name)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`;
  const output = execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], {
    cwd: `${root}/test`,
    encoding: "utf8",
  });
  return JSON.parse(output) as string[];
};

describe("built package entry points", () => {
  for (const { name, exports } of packages) {
    for (const kind of ["import", "require"] as const) {
      it(`${name} loads with ${kind}`, () => {
        const names = listExports(name, kind);
        for (const expected of exports) {
          assert.ok(names.includes(expected), `${expected} missing from ${kind} of ${name}`);
        }
        assert.ok(!names.includes("default"), `${name} has a default export`);
      });
    }
  }
});
