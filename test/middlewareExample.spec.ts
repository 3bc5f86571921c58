import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exampleDir = fileURLToPath(new URL("../examples/middleware/", import.meta.url));

describe("middleware example", function () {
  this.timeout(60_000);

  it("runs end to end", async () => {
    const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true" };
    const { stdout } = await promisify(execFile)(tsx, ["--conditions=@mfa-session/source", "main.ts"], { cwd: exampleDir, env });

    assert.match(stdout, /S3 object: hello from an MFA session/);
    assert.match(stdout, /s3 PutObject: signed by ASIA\w+ \(session\), status 200/);
    assert.match(stdout, /iam ListUsers: signed by ASIA\w+ \(session\), status 200/);
    assert.match(stdout, /sts GetSessionToken: signed by AKIA\w+ \(long-term key\)/);
    assert.match(stdout, /s3 ListBuckets: signed by ASIA\w+ \(session\), status 400 ExpiredToken/);
    assert.match(stdout, /Buckets: demo-bucket/);
    assert.match(stdout, /GetSessionToken calls: 3 /);
  });
});
