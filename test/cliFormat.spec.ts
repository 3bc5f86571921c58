import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

import { formatEnvironment, formatExpiration, runCli, sessionEnvironment, sessionVariables, type CliOutput } from "@mfa-session/cli";

// Values with every character that a shell could interpret, to prove the quoting.
const HOSTILE_VALUES = ["it's", `a"b`, "$(touch /tmp/x)`id`", "back\\slash\\'", "new\nline", "tab\tand *?[", "‘curly’ quotes", "!history"];

const sampleCredentials = {
  accessKeyId: "ASIASAMPLE0000000001",
  secretAccessKey: "sample/secret+key",
  sessionToken: "token/with+slashes==",
  expiration: new Date("2030-01-02T03:04:05.678Z"),
};

const captureOutput = (): CliOutput & { out: string; err: string } => {
  const output = { out: "", err: "", stdout: (text: string) => void (output.out += text), stderr: (text: string) => void (output.err += text) };
  return output;
};

describe("mfa-session CLI formats", () => {
  describe(formatEnvironment.name, () => {
    for (const shell of ["sh", "bash", "dash"]) {
      it(`quotes values for ${shell}`, function () {
        if (spawnSync("sh", ["-c", `command -v ${shell}`]).status !== 0) this.skip();
        const variables = Object.fromEntries(HOSTILE_VALUES.map((value, index) => [`TEST_VALUE_${index}`, value]));

        const script = `${formatEnvironment(variables, "sh")}\nprintf '%s\\0' ${Object.keys(variables).map((name) => `"$${name}"`).join(" ")}`;
        const run = spawnSync(shell, ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH } });

        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(run.stdout.split("\0").slice(0, -1), HOSTILE_VALUES);
      });
    }

    it("unsets profile variables for sh", () => {
      const text = formatEnvironment(sessionVariables(sampleCredentials), "sh");

      assert.match(text, /^unset AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE$/m);
      assert.match(text, /^export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'$/m);
    });

    it("quotes values for fish", () => {
      const text = formatEnvironment({ A: "it's \\ here" }, "fish");

      assert.match(text, /^set -e AWS_PROFILE$/m);
      assert.match(text, /^set -gx A 'it\\'s \\\\ here'$/m);
    });

    it("quotes values for PowerShell", () => {
      const text = formatEnvironment({ A: "it's ‘x’" }, "powershell");

      assert.match(text, /^Remove-Item -ErrorAction SilentlyContinue Env:AWS_PROFILE$/m);
      assert.match(text, /^\$Env:A = 'it''s ‘‘x’’'$/m);
    });

    it("prints JSON without unsets", () => {
      const variables = sessionVariables(sampleCredentials, "eu-west-1");

      assert.deepEqual(JSON.parse(formatEnvironment(variables, "json")), variables);
    });
  });

  describe(sessionEnvironment.name, () => {
    it("drops long-term keys and profile", () => {
      const parent = {
        PATH: "/bin",
        AWS_ACCESS_KEY_ID: "AKIALONGTERM00000001",
        AWS_SECRET_ACCESS_KEY: "long-term",
        AWS_PROFILE: "dev",
        AWS_DEFAULT_PROFILE: "dev",
        AWS_SECURITY_TOKEN: "old",
        AWS_REGION: "us-west-2",
      };

      const environment = sessionEnvironment(parent, sessionVariables(sampleCredentials));

      assert.deepEqual(environment, {
        PATH: "/bin",
        AWS_REGION: "us-west-2",
        AWS_ACCESS_KEY_ID: sampleCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sampleCredentials.secretAccessKey,
        AWS_SESSION_TOKEN: sampleCredentials.sessionToken,
        AWS_CREDENTIAL_EXPIRATION: "2030-01-02T03:04:05Z",
      });
    });
  });

  describe(formatExpiration.name, () => {
    it("drops milliseconds", () => {
      assert.equal(formatExpiration(new Date("2030-01-02T03:04:05.999Z")), "2030-01-02T03:04:05Z");
    });
  });

  describe(runCli.name, () => {
    for (const command of ["credential-process", "env", "exec", "status", "clear"]) {
      it(`prints help for ${command}`, async () => {
        const output = captureOutput();

        const status = await runCli([command, "--help"], { output, environment: {} });

        assert.equal(status, 0);
        assert.match(output.out, new RegExp(`^Usage: mfa-session ${command}`));
        assert.match(output.out, /Exit status: /);
      });
    }

    it("prints usage without command", async () => {
      const output = captureOutput();

      assert.equal(await runCli([], { output, environment: {} }), 2);
      assert.match(output.err, /^Usage: mfa-session COMMAND/);
    });

    const usageErrors: Array<[string[], RegExp]> = [
      [["login"], /unknown command "login"/],
      [["env", "--duration-seconds", "1h"], /invalid --duration-seconds "1h"/],
      [["env", "--duration-seconds", "10"], /invalid --duration-seconds "10"/],
      [["env", "--region", "EU-WEST-1"], /invalid --region "EU-WEST-1"/],
      [["help", "bogus"], /unknown command "bogus"/],
      [["env", "--endpoint-url", "ftp://127.0.0.1"], /the scheme must be http or https/],
      [["env", "--no-cache", "--cache-dir", "/tmp/x"], /--no-cache and --cache-dir cannot be used together/],
      [["env", "--profile", ""], /--profile must not be empty/],
      [["status", "--totp-secret-env", "X"], /status: Unknown option '--totp-secret-env'/],
    ];
    for (const [args, message] of usageErrors) {
      it(`rejects ${args.join(" ")}`, async () => {
        const output = captureOutput();

        assert.equal(await runCli(args, { output, environment: {} }), 2);
        assert.match(output.err, message);
      });
    }
  });
});
