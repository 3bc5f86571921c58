// The STS actions that sts-local implements: GetSessionToken and GetCallerIdentity.
import type { AuthenticatedCaller } from "./auth.js";
import { STS_MESSAGES, StsError } from "./errors.js";
import type { MfaVerifier } from "./mfa.js";
import type { SessionStore } from "./sessions.js";
import type { StsLocalStats } from "./types.js";
import { xmlElement } from "./xml.js";

/** GetSessionToken duration limits in seconds, from the STS API reference. */
export const DURATION_LIMITS = {
  min: 900,
  max: 129_600,
  defaultForUser: 43_200,
  /** Default and cap for the account root user: longer requests are accepted and capped. */
  maxForRoot: 3_600,
} as const;

/** Inputs of an action handler. */
export interface ActionContext {
  caller: AuthenticatedCaller;
  params: URLSearchParams;
  nowMs: number;
  sessions: SessionStore;
  mfa: MfaVerifier;
  stats: StsLocalStats;
  /** Upper bound in seconds for issued sessions, or undefined for none. */
  sessionLifetimeSeconds: number | undefined;
}

/** An action handler: returns the inner XML of the `<{Action}Result>` element, or throws an StsError. */
export type ActionHandler = (context: ActionContext) => string;

/**
 * Collects parameter constraint violations and throws them as one 400 ValidationError, in the
 * form STS uses: "N validation error(s) detected: Value 'x' at 'name' failed to satisfy constraint: …".
 */
class ValidationErrors {
  private readonly violations: string[] = [];

  /** Adds a violation. `shownValue` is undefined for a value that must not be echoed, such as an MFA code. */
  add(name: string, shownValue: string | undefined, constraint: string): void {
    const value = shownValue === undefined ? "Value" : `Value '${shownValue}'`;
    this.violations.push(`${value} at '${name}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(): void {
    const count = this.violations.length;
    if (count > 0) {
      const noun = count === 1 ? "validation error" : "validation errors";
      throw new StsError(400, "ValidationError", `${count} ${noun} detected: ${this.violations.join("; ")}`);
    }
  }
}

/** Validates DurationSeconds and returns it, or the default for the caller when it is absent. */
function readDuration(params: URLSearchParams, root: boolean, errors: ValidationErrors): number {
  const text = params.get("DurationSeconds");
  if (text === null) {
    return root ? DURATION_LIMITS.maxForRoot : DURATION_LIMITS.defaultForUser;
  }
  if (!/^-?\d+$/.test(text)) {
    errors.add("durationSeconds", text, "Member must be an integer");
    return 0;
  }
  const duration = Number(text);
  if (duration < DURATION_LIMITS.min) {
    errors.add("durationSeconds", text, `Member must have value greater than or equal to ${DURATION_LIMITS.min}`);
  } else if (duration > DURATION_LIMITS.max) {
    errors.add("durationSeconds", text, `Member must have value less than or equal to ${DURATION_LIMITS.max}`);
  }
  return duration;
}

/** Validates SerialNumber and TokenCode against the constraints of the STS API model. */
function validateMfaParameters(serialNumber: string | null, tokenCode: string | null, errors: ValidationErrors): void {
  if (serialNumber !== null) {
    if (serialNumber.length < 9) {
      errors.add("serialNumber", serialNumber, "Member must have length greater than or equal to 9");
    } else if (serialNumber.length > 256) {
      errors.add("serialNumber", serialNumber, "Member must have length less than or equal to 256");
    } else if (!/^[\w+=/:,.@-]*$/.test(serialNumber)) {
      errors.add("serialNumber", serialNumber, "Member must satisfy regular expression pattern: [\\w+=/:,.@-]*");
    }
  }
  if (tokenCode !== null) {
    if (tokenCode.length !== 6) {
      const bound = tokenCode.length < 6 ? "greater" : "less";
      errors.add("tokenCode", undefined, `Member must have length ${bound} than or equal to 6`);
    } else if (!/^\d*$/.test(tokenCode)) {
      errors.add("tokenCode", undefined, "Member must satisfy regular expression pattern: [\\d]*");
    }
  }
}

/** Checks the MFA code, counts the outcome in the stats, and throws AccessDenied unless it was accepted. */
function requireValidCode(context: ActionContext, serialNumber: string, tokenCode: string): void {
  const result = context.mfa.check(context.caller.user, serialNumber, tokenCode, context.nowMs);
  switch (result) {
    case "accepted":
      context.stats.codesAccepted += 1;
      return;
    case "reused":
      context.stats.codesReused += 1;
      throw new StsError(403, "AccessDenied", STS_MESSAGES.mfaInvalidCode);
    case "invalidCode":
      context.stats.codesRejected += 1;
      throw new StsError(403, "AccessDenied", STS_MESSAGES.mfaInvalidCode);
    case "unknownSerial":
      context.stats.codesRejected += 1;
      throw new StsError(403, "AccessDenied", STS_MESSAGES.mfaUnableToValidate);
  }
}

/**
 * GetSessionToken: validates the parameters, checks the MFA code when one is sent, and issues a
 * session that lasts min(DurationSeconds, 3600 for root, the configured session lifetime).
 */
export const getSessionToken: ActionHandler = (context) => {
  const { caller, params } = context;
  if (caller.session !== undefined) {
    throw new StsError(403, "AccessDenied", STS_MESSAGES.sessionCredentialsForGetSessionToken);
  }

  const errors = new ValidationErrors();
  const duration = readDuration(params, caller.user.root, errors);
  const serialNumber = params.get("SerialNumber");
  const tokenCode = params.get("TokenCode");
  validateMfaParameters(serialNumber, tokenCode, errors);
  errors.throwIfAny();

  // NOTE: how real STS responds to a SerialNumber without a TokenCode (or the reverse) is not verified.
  // sts-local rejects it with MissingParameter so that a client bug shows up.
  if ((serialNumber === null) !== (tokenCode === null)) {
    const missing = serialNumber === null ? "SerialNumber" : "TokenCode";
    const present = serialNumber === null ? "TokenCode" : "SerialNumber";
    throw new StsError(400, "MissingParameter", `The request must contain the parameter ${missing}, because ${present} is set.`);
  }

  const mfaAuthenticated = serialNumber !== null && tokenCode !== null;
  if (mfaAuthenticated) {
    requireValidCode(context, serialNumber, tokenCode);
  }

  let lifetimeSeconds = duration;
  if (caller.user.root) {
    lifetimeSeconds = Math.min(lifetimeSeconds, DURATION_LIMITS.maxForRoot);
  }
  if (context.sessionLifetimeSeconds !== undefined) {
    lifetimeSeconds = Math.min(lifetimeSeconds, context.sessionLifetimeSeconds);
  }

  const session = context.sessions.issue(caller.user, lifetimeSeconds, context.nowMs, mfaAuthenticated);
  // STS sends the expiration in ISO 8601 UTC without milliseconds, for example 2024-05-01T12:00:00Z.
  const expiration = new Date(session.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    "<Credentials>" +
    xmlElement("AccessKeyId", session.accessKeyId) +
    xmlElement("SecretAccessKey", session.secretAccessKey) +
    xmlElement("SessionToken", session.sessionToken) +
    xmlElement("Expiration", expiration) +
    "</Credentials>"
  );
};

/**
 * GetCallerIdentity: returns the ARN, UserId and account of the user. Sessions from GetSessionToken
 * report the identity of the user they were issued to, as in STS.
 */
export const getCallerIdentity: ActionHandler = (context) => {
  const { user } = context.caller;
  return xmlElement("Arn", user.arn) + xmlElement("UserId", user.userId) + xmlElement("Account", user.account);
};

/** Handlers by the value of the Action parameter. */
export const ACTION_HANDLERS: ReadonlyMap<string, ActionHandler> = new Map([
  ["GetSessionToken", getSessionToken],
  ["GetCallerIdentity", getCallerIdentity],
]);
