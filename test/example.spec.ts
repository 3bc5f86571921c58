import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exampleDir = fileURLToPath(new URL("../examples/basic/", import.meta.url));

describe("main example", function () {
  this.timeout(60_000);

  it("runs end to end", async () => {
    const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true" };
    delete env.MFA_SERIAL_NUMBER;
    const { stdout } = await promisify(execFile)(tsx, ["main.ts"], { cwd: exampleDir, env });

    assert.match(stdout, /Caller identity: arn:aws:iam::123456789012:user\/demo/);
    assert.match(stdout, /Session expires: \d{4}-\d\d-\d\dT/);
    assert.match(stdout, /STS GetSessionToken calls: 1 for 2 GetCallerIdentity requests/);
    assert.match(stdout, /signed by the session key .* yes/);
  });
});
