import { AsyncLocalStorage } from "node:async_hooks";

import type { MfaSessionProvider } from "@mfa-session/credential-provider";
import type { AwsIdentityProperties } from "@aws-sdk/types";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

import type { MfaSessionPluginConfig } from "./types.js";

/** Credentials that sign a request: the MFA session or the client's own (source) credentials. @internal */
export type CredentialChoice = "session" | "source";

/**
 * State of one request, shared by all its attempts. The selector records the credentials it
 * returned last, which are the ones that signed the latest attempt.
 * @internal
 */
export interface RequestScope {
  choice: CredentialChoice;
  signedWith?: { choice: CredentialChoice; accessKeyId: string };
}

/** @internal */
export interface CredentialSelector {
  /** Runs `task` (the rest of the handler chain) so that every credential lookup inside it uses `scope`. */
  run<T>(scope: RequestScope, task: () => Promise<T>): Promise<T>;
}

interface Installation {
  source: AwsCredentialIdentityProvider;
  /** The value `config.credentials` returned right after the selector was set. */
  installedValue: unknown;
}

// Keyed by the client config, so that applying the plugin again reuses the original source
// instead of wrapping the first selector.
const installations = new WeakMap<object, Installation>();

/**
 * Replaces `config.credentials` with a provider that returns, per request, either the MFA session
 * or the credentials the client had before.
 *
 * SigV4 signing reads `config.credentials` on every attempt, after the retry middleware, so that
 * provider is the one place that decides which key signs. The request is known there only through
 * the async context: the middleware runs the handler chain inside `run(scope, …)`, and the provider
 * reads the scope with AsyncLocalStorage. Lookups outside any request get `defaultChoice()`.
 *
 * The provider is marked `memoized`, so the client does not wrap it in its own memoizer, which would
 * keep the first identity for every request. Sessions are cached by `fromMfaSession`.
 * @internal
 */
export const installCredentialSelector = (
  config: MfaSessionPluginConfig,
  createSessionProvider: (source: AwsCredentialIdentityProvider) => MfaSessionProvider,
  defaultChoice: () => CredentialChoice,
): CredentialSelector => {
  const current: unknown = config.credentials;
  const previous = installations.get(config);
  const source = previous !== undefined && current === previous.installedValue ? previous.source : current;
  if (typeof source !== "function") {
    throw new TypeError(
      "config.credentials is not a credential provider. Pass the resolved config of an SDK client that signs " +
        "with SigV4 (client.config), after the client was constructed.",
    );
  }

  const sourceProvider = source as AwsCredentialIdentityProvider;
  const sessionProvider = createSessionProvider(sourceProvider);
  const storage = new AsyncLocalStorage<RequestScope>();

  const selectCredentials = async (props?: AwsIdentityProperties): Promise<AwsCredentialIdentity> => {
    const scope = storage.getStore();
    const choice = scope?.choice ?? defaultChoice();
    const credentials = choice === "session" ? await sessionProvider(props) : await sourceProvider(props);
    if (scope !== undefined) {
      scope.signedWith = { choice, accessKeyId: credentials.accessKeyId };
    }
    return credentials;
  };
  const selector = Object.assign(selectCredentials, { memoized: true });

  config.credentials = selector;
  installations.set(config, { source: sourceProvider, installedValue: config.credentials });

  return {
    run: (scope, task) => storage.run(scope, task),
  };
};
