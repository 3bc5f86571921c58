import type { AwsCredentialIdentity } from "@smithy/types";

import { callGetSessionToken } from "./callGetSessionToken.js";
import { checkServerClock } from "./checkServerClock.js";
import { markRegionDisabled } from "./disabledRegions.js";
import { MfaSessionError } from "./errors.js";
import type { PrefixedLogger } from "./logger.js";
import { requestMfaCode } from "./requestMfaCode.js";
import { runForSerial } from "./serialQueue.js";
import { classifyStsError, describeStsError, readStsError, type StsErrorFields } from "./stsErrors.js";
import type { MfaCodeProvider, MfaCodeReason, MfaSessionClientConfig, MfaSessionCredentials } from "./types.js";
import { isCodeReused, rememberUsedCode } from "./usedCodes.js";

/** Everything needed to obtain one session. @internal */
export interface SessionRequest {
  source: AwsCredentialIdentity;
  serialNumber: string | undefined;
  mfaCodeProvider: MfaCodeProvider | undefined;
  profile: string | undefined;
  durationSeconds: number;
  /** Regions to try in order; the first is the resolved one. */
  regions: readonly string[];
  clientConfig: MfaSessionClientConfig | undefined;
  reason: "initial" | "refresh";
  /** Expiry of the session being replaced, when refreshing. */
  expiration: Date | undefined;
  maxCodeAttempts: number;
  mfaCodeTimeoutMs: number;
  log: PrefixedLogger;
  now: () => number;
}

const RETRY_MESSAGES: Record<Exclude<MfaCodeReason, "initial" | "refresh">, string> = {
  retry: "STS rejected the previous code. Enter the code now shown by the device.",
  reused: "That code was already used. Wait for the device to show the next one.",
  "invalid-format": "The previous value was not a six-digit code.",
};

/**
 * Obtains a session from STS. It requests a code when a serial is set, requests another after a
 * malformed, reused or rejected code, and moves to the next region after RegionDisabledException.
 * Sessions for one serial are obtained one at a time.
 * @internal
 */
export const obtainSession = (request: SessionRequest): Promise<MfaSessionCredentials> =>
  request.serialNumber === undefined
    ? obtainSessionNow(request)
    : runForSerial(request.serialNumber, () => obtainSessionNow(request));

const obtainSessionNow = async (request: SessionRequest): Promise<MfaSessionCredentials> => {
  const { serialNumber, log } = request;
  const regionFailures: { region: string; error: StsErrorFields }[] = [];
  let regionIndex = 0;
  let attempt = 0;
  let reason: MfaCodeReason = request.reason;
  let code: string | undefined;

  for (;;) {
    if (serialNumber !== undefined && code === undefined) {
      if (attempt >= request.maxCodeAttempts) {
        throw codeAttemptsExhausted(request, reason);
      }
      attempt += 1;

      const answer = await requestMfaCode({
        mfaCodeProvider: request.mfaCodeProvider!,
        serialNumber,
        profile: request.profile,
        reason,
        attempt,
        maxAttempts: request.maxCodeAttempts,
        expiration: request.expiration,
        message: reason === "initial" || reason === "refresh" ? undefined : RETRY_MESSAGES[reason],
        timeoutMs: request.mfaCodeTimeoutMs,
        nowMs: request.now(),
      });
      if (answer === undefined) {
        log.warn(
          `mfaCodeProvider returned something other than six digits for ${serialNumber} ` +
            `(attempt ${attempt} of ${request.maxCodeAttempts}).`,
        );
        reason = "invalid-format";
        continue;
      }
      if (isCodeReused(serialNumber, answer, request.now())) {
        log.warn(
          `mfaCodeProvider returned the code already sent for ${serialNumber} ` +
            `(attempt ${attempt} of ${request.maxCodeAttempts}).`,
        );
        reason = "reused";
        continue;
      }
      code = answer;
    }

    const region = request.regions[regionIndex]!;
    log.debug(`calling GetSessionToken in ${region}${serialNumber === undefined ? " without MFA" : ` with MFA device ${serialNumber}`}.`);
    try {
      const { credentials, serverDate } = await callGetSessionToken({
        source: request.source,
        region,
        clientConfig: request.clientConfig,
        durationSeconds: request.durationSeconds,
        serialNumber,
        code,
      });
      if (serialNumber !== undefined && code !== undefined) {
        rememberUsedCode(serialNumber, code, request.now());
      }
      checkServerClock(serverDate, request.now());
      return credentials;
    } catch (error) {
      if (error instanceof MfaSessionError) {
        throw error;
      }

      const fields = readStsError(error);
      const kind = classifyStsError(fields);
      if (kind === "region-disabled") {
        markRegionDisabled(request.source.accessKeyId, region, request.now());
        regionFailures.push({ region, error: fields });
        regionIndex += 1;
        if (regionIndex >= request.regions.length) {
          throw allRegionsDisabled(regionFailures, error);
        }
        // STS checks the region before the code, so the same code is still unused.
        log.warn(`STS is not activated in ${region} for this account; trying ${request.regions[regionIndex]}.`);
        continue;
      }
      if (kind === "code-rejected" && serialNumber !== undefined && code !== undefined) {
        rememberUsedCode(serialNumber, code, request.now());
        log.warn(`STS rejected the MFA code for ${serialNumber} (attempt ${attempt} of ${request.maxCodeAttempts}).`);
        code = undefined;
        reason = "retry";
        continue;
      }
      throw mapStsFailure(request, region, fields, kind, error);
    }
  }
};

const codeAttemptsExhausted = (request: SessionRequest, reason: MfaCodeReason): MfaSessionError => {
  const serial = request.serialNumber;
  const tries = `${request.maxCodeAttempts} attempt${request.maxCodeAttempts === 1 ? "" : "s"}`;
  if (reason === "invalid-format") {
    return new MfaSessionError(
      `mfaCodeProvider did not return a six-digit code for ${serial} in ${tries}. ` +
        `Make it resolve to the digits the device shows, such as "123456".`,
      { code: "MFA_CODE_INVALID_FORMAT" },
    );
  }
  if (reason === "reused") {
    return new MfaSessionError(
      `mfaCodeProvider kept returning a code that was already sent for ${serial} (${tries}). ` +
        `Wait for the device to show a new code; STS never accepts a code twice.`,
      { code: "MFA_CODE_REUSED" },
    );
  }
  return new MfaSessionError(
    `STS rejected the MFA code for ${serial} in ${tries}. Check that the device's clock is correct ` +
      `and that serialNumber names the device that produced the codes.`,
    { code: "MFA_CODE_REJECTED" },
  );
};

const allRegionsDisabled = (failures: { region: string; error: StsErrorFields }[], cause: unknown): MfaSessionError => {
  const lines = failures.map(({ region, error }) => `  ${region}: ${describeStsError(error)}`).join("\n");
  return new MfaSessionError(
    `STS is not activated for this account in any region tried:\n${lines}\n` +
      `Activate STS in a region in the IAM console (Account settings, Security Token Service), ` +
      `or add an active region to fallbackRegions.`,
    { code: "STS_REGION_DISABLED", cause },
  );
};

const mapStsFailure = (
  request: SessionRequest,
  region: string,
  fields: StsErrorFields,
  kind: ReturnType<typeof classifyStsError>,
  cause: unknown,
): MfaSessionError => {
  const detail = describeStsError(fields);
  switch (kind) {
    case "serial-invalid":
      return new MfaSessionError(
        `STS could not validate MFA codes for serial ${request.serialNumber}: ${detail}. Check that ` +
          `serialNumber is the ARN of an MFA device assigned to the user whose keys sign the request.`,
        { code: "MFA_SERIAL_INVALID", cause },
      );
    case "source-is-session":
      return sourceIsSessionError(cause);
    case "source-invalid":
      return new MfaSessionError(
        `STS rejected the source credentials (access key ${request.source.accessKeyId}) in ${region}: ${detail}. ` +
          `Check that masterCredentials, the profile or the default credential chain supplies valid long-term keys.`,
        { code: "SOURCE_CREDENTIALS_INVALID", cause },
      );
    case "duration-invalid":
      return new MfaSessionError(
        `STS rejected durationSeconds ${request.durationSeconds}: ${detail}. Set a shorter durationSeconds.`,
        { code: "DURATION_OUT_OF_RANGE", cause },
      );
    default:
      return new MfaSessionError(`GetSessionToken failed in ${region}: ${detail}`, { code: "STS_REQUEST_FAILED", cause });
  }
};

/** @internal */
export const sourceIsSessionError = (cause?: unknown): MfaSessionError =>
  new MfaSessionError(
    `The source credentials carry a session token, and GetSessionToken needs long-term access keys ` +
      `(AKIA…). Set masterCredentials, or configure the default chain, with an IAM user's access keys.`,
    { code: "SOURCE_IS_SESSION", cause },
  );
