// MFA code checks for GetSessionToken: TOTP with a window of one step either side, and no reuse.
import { hotpCode, totpStep } from "./totp.js";
import type { ResolvedUser } from "./users.js";

/** Time steps either side of the current one whose codes are also accepted, for clock drift. */
export const TOTP_WINDOW_STEPS = 1;

/** Outcome of an MFA code check. */
export type MfaCheckResult =
  /** The code matches a step in the window that was not used before. That step is now used. */
  | "accepted"
  /** The serial number is not the user's MFA device, or the user has no TOTP secret. */
  | "unknownSerial"
  /** The code matches no step in the window. */
  | "invalidCode"
  /** The code matches a step whose code this serial number already used. */
  | "reused";

/** Checks MFA codes and remembers which time steps each serial number has used. */
export class MfaVerifier {
  private readonly usedSteps = new Map<string, Set<number>>();

  /** Checks `code` for `serialNumber` of `user` at `nowMs`, and marks the matching step used when accepted. */
  check(user: ResolvedUser, serialNumber: string, code: string, nowMs: number): MfaCheckResult {
    if (user.mfaSerial !== serialNumber || user.totpKey === undefined) {
      return "unknownSerial";
    }

    const currentStep = totpStep(nowMs);
    let matchedStep: number | undefined;
    for (let offset = -TOTP_WINDOW_STEPS; offset <= TOTP_WINDOW_STEPS; offset += 1) {
      if (hotpCode(user.totpKey, currentStep + offset) === code) {
        matchedStep = currentStep + offset;
        break;
      }
    }
    if (matchedStep === undefined) {
      return "invalidCode";
    }

    // A used code belongs to the MFA device, so used steps are kept per serial number.
    let used = this.usedSteps.get(serialNumber);
    if (used === undefined) {
      used = new Set();
      this.usedSteps.set(serialNumber, used);
    }
    if (used.has(matchedStep)) {
      return "reused";
    }
    used.add(matchedStep);
    return "accepted";
  }
}
