import assert from "node:assert/strict";

import type { MfaCodeProvider } from "@mfa-session/credential-provider";
import { totpCode } from "@mfa-session/sts-local";

import { getMfaSessionPlugin } from "../packages/middleware/src/index.js";
import {
  ALICE_KEYS,
  ListBucketsCommand,
  ListUsersCommand,
  S3Client,
  captureLogger,
  iamClient,
  s3Client,
  signedBySession,
  useWorld,
} from "../packages/middleware/test/support/fixtures.js";

/** Collects the message of an error and of every error in its cause chain. */
const messagesOf = (error: unknown): string[] => {
  const messages: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    messages.push(`${current.name}: ${current.message}`);
  }
  return messages;
};

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the request to fail");
};

// A code is six digits, so it only counts as leaked where it is not part of a longer number.
const containsCode = (text: string, code: string): boolean => new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text);

describe("getMfaSessionPlugin secrets", () => {
  const world = useWorld();

  it("keeps secrets out of logs and errors", async () => {
    const { lines, logger } = captureLogger();
    const texts: string[] = [];
    const secrets: Record<string, string> = { "source secret key": ALICE_KEYS.secretAccessKey, "TOTP secret": world.user.totpSecret };
    const codes: string[] = [];
    const recordingCodes: MfaCodeProvider = async (...args) => {
      const code = await world.mfaCodeProvider(...args);
      codes.push(code);
      return code;
    };

    // Ordinary requests and a recovery after a forced expiry, with debug logging on.
    const s3 = new S3Client({ region: "eu-west-1", endpoint: world.sts.endpoint, forcePathStyle: true, credentials: ALICE_KEYS, logger });
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options({ mfaCodeProvider: recordingCodes, logger })));
    await s3.send(new ListBucketsCommand({}));
    const firstSession = await s3.config.credentials();
    world.sts.expireSession(world.sts.requests.find(signedBySession)!.accessKeyId!);
    await s3.send(new ListBucketsCommand({}));
    const secondSession = await s3.config.credentials();
    for (const [label, session] of [["first", firstSession], ["second", secondSession]] as const) {
      secrets[`${label} session secret key`] = session.secretAccessKey;
      secrets[`${label} session token`] = session.sessionToken!;
    }

    // A step-up after an explicit deny.
    world.sts.requireMfa(["iam:ListUsers"]);
    const iam = iamClient(world.sts);
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, world.options({ mode: "on-access-denied", mfaCodeProvider: recordingCodes, logger })));
    await iam.send(new ListUsersCommand({}));

    // A recovery whose new session fails, because every code is wrong.
    const wrongCode = String((Number(totpCode(world.user.totpSecret, Date.now())) + 500_000) % 1_000_000).padStart(6, "0");
    const failing = s3Client(world.sts);
    failing.middlewareStack.use(
      getMfaSessionPlugin(failing.config, world.options({ mfaCodeProvider: async () => (codes.push(wrongCode), wrongCode), maxCodeAttempts: 1, logger })),
    );
    world.sts.expireSession(world.sts.requests.filter(signedBySession).at(-1)!.accessKeyId!);
    texts.push(...messagesOf(await rejectionOf(failing.send(new ListBucketsCommand({})))));

    // An option error.
    const optionError = rejectionOf(Promise.resolve().then(() => getMfaSessionPlugin(s3.config, world.options({ durationSeconds: 1 }))));
    texts.push(...messagesOf(await optionError));

    const all = [...lines, ...texts];
    assert.ok(lines.some((line) => line.includes("@mfa-session/middleware")), "the middleware logged nothing");
    assert.ok(codes.length >= 3, `only ${codes.length} codes were planted`);
    for (const [label, secret] of Object.entries(secrets)) {
      assert.ok(!all.some((text) => text.includes(secret)), `the ${label} appears in a log line or error message`);
    }
    for (const [index, code] of codes.entries()) {
      assert.ok(!all.some((text) => containsCode(text, code)), `MFA code number ${index + 1} appears in a log line or error message`);
    }
  });
});
