import type { MfaCodeContext } from "@mfa-session/credential-provider";
import { createHash } from "node:crypto";

import { MfaCodeSourceError } from "./errors.js";
import { normalizeTypedCode } from "./normalizeCode.js";
import { describeSerial, type MfaCodeSource } from "./types.js";

/**
 * Environment variable read by {@link envMfaCode} when no name is given.
 * @public
 */
export const DEFAULT_MFA_CODE_ENV = "AWS_MFA_CODE";

// Hashes of the codes returned per variable in this process. A code is valid once, so a value
// still in the variable at the next request is stale.
const returnedDigests = new Map<string, Set<string>>();

const digestValue = (name: string, code: string): string =>
  createHash("sha256").update(`${name}\n${code}`).digest("hex");

/**
 * Creates a source that reads the code from an environment variable, for CI jobs and scripts
 * that get the code from elsewhere. The value may contain spaces or dashes between digits. Each
 * value is returned at most once per process. When the variable is unset or empty, or still
 * holds a value already returned, it fails with `unavailable: true` so {@link firstAvailable}
 * can try the next source.
 * @public
 */
export const envMfaCode = (name: string = DEFAULT_MFA_CODE_ENV): MfaCodeSource => {
  if (typeof name !== "string" || name === "") {
    throw new MfaCodeSourceError("envMfaCode: the variable name must be a non-empty string.", {
      code: "MFA_INVALID_OPTION",
    });
  }

  return async function envMfaCode(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    const subject = describeSerial(serialNumber, context);
    const value = process.env[name];
    if (value === undefined || value.trim() === "") {
      throw new MfaCodeSourceError(
        `envMfaCode: the environment variable ${name} is not set, so it cannot supply the MFA code ` +
          `for ${subject}. Set ${name} to the six-digit code shown by the device.`,
        { code: "MFA_ENV_UNSET", unavailable: true },
      );
    }

    const code = normalizeTypedCode(value);
    if (code === undefined) {
      throw new MfaCodeSourceError(
        `envMfaCode: the environment variable ${name} does not contain a six-digit code. Set it to ` +
          `the code shown by the device for ${subject}.`,
        { code: "MFA_ENV_CODE_INVALID" },
      );
    }

    const digests = returnedDigests.get(name) ?? new Set<string>();
    const digest = digestValue(name, code);
    if (digests.has(digest)) {
      throw new MfaCodeSourceError(
        `envMfaCode: the code in ${name} was already used in this process, and AWS accepts each code ` +
          `only once. Set ${name} to a new code for ${subject}, or configure another source.`,
        { code: "MFA_ENV_CODE_REUSED", unavailable: true },
      );
    }

    digests.add(digest);
    returnedDigests.set(name, digests);
    return code;
  };
};
