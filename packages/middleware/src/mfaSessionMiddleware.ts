import { forgetMfaSession, fromMfaSession, MfaSessionError } from "@mfa-session/credential-provider";
import type {
  AbsoluteLocation,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOptions,
  InitializeHandlerOutput,
  InitializeMiddleware,
} from "@smithy/types";

import { installCredentialSelector, type CredentialChoice, type RequestScope } from "./credentialSelector.js";
import { isMfaRequiredError, isSessionRejectedError, readErrorCode } from "./errorCodes.js";
import { prefixLogger, type PrefixedLogger } from "./logger.js";
import { keepsSourceCredentials, readOperationName, readServiceId } from "./operations.js";
import { hasStreamingInput } from "./streamingInput.js";
import type { MfaSessionMode, MfaSessionPluginConfig, MfaSessionPluginOptions } from "./types.js";
import { validatePluginOptions } from "./validateOptions.js";

/**
 * Stack position of the middleware: the initialize step, so that it encloses identity resolution
 * (serialize step), the SDK's retries and signing (finalizeRequest step), and can send a request
 * again from the start. `override` makes a second application replace the first.
 * @public
 */
export const mfaSessionMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation & { override: true } = {
  name: "mfaSessionMiddleware",
  step: "initialize",
  priority: "low",
  tags: ["MFA_SESSION"],
  override: true,
};

/** Reason for sending a failed request once more. */
type RetryReason = "session-rejected" | "step-up";

interface MiddlewareState {
  mode: MfaSessionMode;
  /** In `on-access-denied` mode: whether a denial already switched this client to the session. */
  steppedUp: boolean;
  sessionHasMfa: boolean;
  isMfaRequired: (error: unknown) => boolean;
  log: PrefixedLogger;
}

/**
 * Creates the middleware that signs a client's requests with an MFA session obtained by
 * `fromMfaSession`, using the client's own credentials as the source of GetSessionToken. Creating it
 * validates the options and replaces `config.credentials` with a provider that picks the
 * credentials per request; add the result to the client's stack with {@link mfaSessionMiddlewareOptions}.
 *
 * Requests that AWS does not accept with session credentials keep the client's own: STS operations
 * other than AssumeRole and GetCallerIdentity, and IAM when the session has no MFA. A request signed
 * by a session that fails as expired or unknown is sent once more with a new session.
 *
 * @example
 * ```ts
 * const s3 = new S3Client({ region: "eu-west-1" });
 * s3.middlewareStack.add(mfaSessionMiddleware(s3.config, { serialNumber, mfaCodeProvider }), mfaSessionMiddlewareOptions);
 * ```
 * @public
 */
export const mfaSessionMiddleware = <Input extends object, Output extends object>(
  config: MfaSessionPluginConfig,
  options: MfaSessionPluginOptions,
): InitializeMiddleware<Input, Output> => {
  const mode = validatePluginOptions(options);
  const { mode: _mode, isMfaRequiredError: isMfaRequired, ...providerOptions } = options;
  const state: MiddlewareState = {
    mode,
    steppedUp: false,
    sessionHasMfa: options.serialNumber !== undefined,
    isMfaRequired: isMfaRequired ?? isMfaRequiredError,
    log: prefixLogger(options.logger ?? config.logger, "mfaSessionMiddleware"),
  };

  const selector = installCredentialSelector(
    config,
    (source) => fromMfaSession({ ...providerOptions, masterCredentials: source }),
    () => ordinaryChoice(state),
  );

  return (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext) =>
    async (args: InitializeHandlerArguments<Input>): Promise<InitializeHandlerOutput<Output>> => {
      const operation = readOperationName(context);
      const serviceId = readServiceId(config.serviceId, context);
      if (keepsSourceCredentials(serviceId, operation, state.sessionHasMfa)) {
        state.log.debug(`signing ${serviceId} ${operation} with the client's own credentials, because AWS rejects session credentials there.`);
        return selector.run({ choice: "source" }, () => next(args));
      }

      const scope: RequestScope = { choice: ordinaryChoice(state) };
      try {
        return await selector.run(scope, () => next(args));
      } catch (error) {
        const reason = retryReason(error, scope, state);
        if (reason === undefined) {
          throw error;
        }

        prepareRetry(reason, error, scope, state, `${serviceId} ${operation}`);
        if (hasStreamingInput(args.input)) {
          state.log.warn(`not sending ${serviceId} ${operation} again, because its body is a stream that was already read.`);
          throw error;
        }
        try {
          return await selector.run({ choice: "session" }, () => next(args));
        } catch (retryError) {
          throw explainRepeatedRejection(retryError, reason, `${serviceId} ${operation}`, options);
        }
      }
    };
};

/**
 * Wraps a second rejection of a fresh session with InvalidClientTokenId in an error that explains
 * the likely cause; any other error passes unchanged.
 */
const explainRepeatedRejection = (
  error: unknown,
  reason: RetryReason,
  request: string,
  options: MfaSessionPluginOptions,
): unknown => {
  if (reason !== "session-rejected" || readErrorCode(error) !== "InvalidClientTokenId") {
    return error;
  }

  const cause = options.clientConfig?.useGlobalEndpoint
    ? "The session comes from the global STS endpoint, whose version 1 tokens opt-in regions (such as " +
      "ap-east-1 or me-south-1) reject. Remove clientConfig.useGlobalEndpoint to use the regional endpoint, " +
      'or set "Global endpoint token version" to version 2 in the IAM console (Account settings).'
    : "If this client's region is an opt-in region, check that it is enabled for the account, and that " +
      "the session was not issued by the global STS endpoint with version 1 tokens.";
  return new MfaSessionError(
    `${request} rejected a newly issued MFA session with InvalidClientTokenId after the previous session was ` +
      `rejected the same way. ${cause}`,
    { code: "SESSION_REJECTED", cause: error },
  );
};

const ordinaryChoice = (state: MiddlewareState): CredentialChoice =>
  state.mode === "always" || state.steppedUp ? "session" : "source";

const retryReason = (error: unknown, scope: RequestScope, state: MiddlewareState): RetryReason | undefined => {
  const signedWith = scope.signedWith?.choice;
  if (signedWith === "session" && isSessionRejectedError(error)) {
    return "session-rejected";
  }
  if (signedWith === "source" && state.mode === "on-access-denied" && state.isMfaRequired(error)) {
    return "step-up";
  }
  return undefined;
};

// Drops the rejected session, or switches the client to the session, before the one retry.
const prepareRetry = (reason: RetryReason, error: unknown, scope: RequestScope, state: MiddlewareState, request: string): void => {
  const code = readErrorCode(error);
  if (reason === "session-rejected") {
    const accessKeyId = scope.signedWith!.accessKeyId;
    forgetMfaSession(accessKeyId);
    state.log.info(`${request} failed with ${code} for session ${accessKeyId}; obtaining a new session and sending the request once more.`);
    return;
  }

  state.steppedUp = true;
  state.log.info(
    `${request} was denied (${code}) with the client's own credentials; obtaining an MFA session, sending the request once more, ` +
      `and signing later requests of this client with the session.`,
  );
};
