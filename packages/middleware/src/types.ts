import type { FromMfaSessionOptions } from "@mfa-session/credential-provider";
import type { AwsCredentialIdentityProvider, Logger } from "@smithy/types";

/**
 * When requests are signed with the MFA session: `always` from the first request, or
 * `on-access-denied` only after a request signed with the client's own credentials was denied.
 * @public
 */
export type MfaSessionMode = "always" | "on-access-denied";

/**
 * The parts of a client's resolved config (`client.config`) that the plugin reads and replaces.
 * @public
 */
export interface MfaSessionPluginConfig {
  /**
   * The client's credential provider. The plugin keeps the current value as the source of
   * GetSessionToken and sets a provider that picks the credentials per request.
   */
  credentials: AwsCredentialIdentityProvider;
  /** Service id of the client, such as "STS", "IAM" or "S3". */
  serviceId?: string;
  /** The client's logger, used when the options set none. */
  logger?: Logger;
}

/**
 * Options of {@link getMfaSessionPlugin} and {@link mfaSessionMiddleware}: the options of
 * `fromMfaSession` except `masterCredentials`, because the client's own credentials sign
 * GetSessionToken, plus the choice of mode.
 * @public
 */
export interface MfaSessionPluginOptions extends Omit<FromMfaSessionOptions, "masterCredentials"> {
  /**
   * `always` signs every request that can use a session with the MFA session. `on-access-denied`
   * signs with the client's own credentials until a request fails with an error that
   * `isMfaRequiredError` accepts, then obtains the session, sends that request once more, and signs
   * later requests of the client with the session. It needs `serialNumber`.
   * @default "always"
   */
  mode?: MfaSessionMode;

  /**
   * In `on-access-denied` mode, called with each error of a request signed with the client's own
   * credentials; returning true switches the client to the MFA session.
   * @default isMfaRequiredError: AccessDenied or AccessDeniedException whose message reports an explicit deny or mentions MFA
   */
  isMfaRequiredError?: (error: unknown) => boolean;
}
