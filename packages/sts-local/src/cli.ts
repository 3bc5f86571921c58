#!/usr/bin/env node
// sts-local command: starts the loopback STS server until SIGINT or SIGTERM.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { STS_LOCAL_DEMO_USER } from "./demo.js";
import { startStsLocal } from "./server.js";
import type { StsLocalOptions, StsLocalUser } from "./types.js";

const USAGE = `Usage: sts-local [--port PORT] [--config FILE]

Starts a loopback STS-compatible server on 127.0.0.1 for examples and tests. Not for production.
It implements GetSessionToken (with TOTP MFA codes), GetCallerIdentity and a small S3 and IAM subset,
and verifies SigV4 signatures.

Options:
  --port PORT     TCP port on 127.0.0.1. Default 0, which picks a free port.
  --config FILE   JSON file {"users": [...], "disabledRegions"?: [...], "sessionLifetimeSeconds"?: N}.
                  Each user has accessKeyId, secretAccessKey and optionally userName, account,
                  mfaSerial, totpSecret (base32) and root. Without --config one demo user is created.
  --help          Print this help and exit.

The server stops on SIGINT (Ctrl+C) or SIGTERM.`;

/** A command-line error: the message is printed with the usage hint and the process exits with status 2. */
class UsageError extends Error {}

function parsePort(text: string | undefined): number {
  if (text === undefined) {
    return 0;
  }
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new UsageError(`Invalid --port "${text}": expected an integer from 0 to 65535.`);
  }
  return port;
}

/** Reads and checks the JSON configuration file. Field values are validated again by startStsLocal. */
function readConfig(file: string): Pick<StsLocalOptions, "users" | "disabledRegions" | "sessionLifetimeSeconds"> {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`Failed to read --config ${file}: ${(error as Error).message}`);
  }
  if (typeof config !== "object" || config === null || !Array.isArray((config as { users?: unknown }).users)) {
    throw new UsageError(`Invalid --config ${file}: expected a JSON object with a "users" array.`);
  }

  const known = new Set(["users", "disabledRegions", "sessionLifetimeSeconds"]);
  const unknown = Object.keys(config).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new UsageError(`Invalid --config ${file}: unknown field ${unknown.join(", ")}. Known fields: ${[...known].join(", ")}.`);
  }
  const { users, disabledRegions, sessionLifetimeSeconds } = config as Record<string, unknown>;
  if (disabledRegions !== undefined && !(Array.isArray(disabledRegions) && disabledRegions.every((region) => typeof region === "string"))) {
    throw new UsageError(`Invalid --config ${file}: "disabledRegions" must be an array of region names.`);
  }
  if (sessionLifetimeSeconds !== undefined && typeof sessionLifetimeSeconds !== "number") {
    throw new UsageError(`Invalid --config ${file}: "sessionLifetimeSeconds" must be a number of seconds.`);
  }
  return {
    users: users as StsLocalUser[],
    disabledRegions: disabledRegions as string[] | undefined,
    sessionLifetimeSeconds: sessionLifetimeSeconds as number | undefined,
  };
}

async function main(): Promise<void> {
  let values: { port?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const port = parsePort(values.port);
  const config = values.config === undefined ? { users: [STS_LOCAL_DEMO_USER] } : readConfig(values.config);
  const sts = await startStsLocal({ ...config, port, logger: console });

  const shutdown = (signal: NodeJS.Signals) => {
    console.log(`sts-local: received ${signal}, stopping`);
    sts.stop().then(
      () => console.log("sts-local: stopped"),
      (error: unknown) => {
        console.error(`sts-local: failed to stop: ${String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  // Installed before the endpoint is printed, because a caller may signal as soon as it reads it.
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);

  console.log(`sts-local: listening on ${sts.endpoint} (a local test server, not for production)`);
  if (values.config === undefined) {
    // These demo values are fake and public: only sts-local accepts them.
    const demo = STS_LOCAL_DEMO_USER;
    console.log("sts-local: demo user (fake credentials that only this server accepts):");
    console.log(`  AWS_ACCESS_KEY_ID=${demo.accessKeyId}`);
    console.log(`  AWS_SECRET_ACCESS_KEY=${demo.secretAccessKey}`);
    console.log(`  user ARN:          arn:aws:iam::${demo.account}:user/${demo.userName}`);
    console.log(`  MFA serial number: ${demo.mfaSerial}`);
    console.log(`  TOTP secret:       ${demo.totpSecret} (base32, 6 digits, 30 s)`);
  } else {
    console.log(`sts-local: ${config.users.length} user(s) from ${values.config}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`sts-local: ${error.message}\nRun sts-local --help for the options.`);
    process.exitCode = 2;
  } else {
    console.error(`sts-local: failed to start: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  }
});
