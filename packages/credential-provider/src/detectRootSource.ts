import type { AwsCredentialIdentity } from "@smithy/types";

import { createStsClient } from "./callGetSessionToken.js";
import type { PrefixedLogger } from "./logger.js";
import type { MfaSessionClientConfig } from "./types.js";

// Results per source access key id, so each key costs at most one GetCallerIdentity per process.
const rootBySourceKey = new Map<string, Promise<boolean | undefined>>();

/**
 * Tells whether the source credentials belong to an account's root user, by asking STS
 * GetCallerIdentity. Returns undefined when the call fails, because the check only improves an
 * error message and must not block a session.
 * @internal
 */
export const isRootSource = (
  source: AwsCredentialIdentity,
  region: string,
  clientConfig: MfaSessionClientConfig | undefined,
  log: PrefixedLogger,
): Promise<boolean | undefined> => {
  let answer = rootBySourceKey.get(source.accessKeyId);
  if (!answer) {
    answer = askCallerIdentity(source, region, clientConfig, log);
    rootBySourceKey.set(source.accessKeyId, answer);
  }
  return answer;
};

const askCallerIdentity = async (
  source: AwsCredentialIdentity,
  region: string,
  clientConfig: MfaSessionClientConfig | undefined,
  log: PrefixedLogger,
): Promise<boolean | undefined> => {
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = await createStsClient(source, region, clientConfig);
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    return /:root$/.test(identity.Arn ?? "");
  } catch (error) {
    log.debug(`could not check whether the source is a root user (${error instanceof Error ? error.name : String(error)}).`);
    return undefined;
  } finally {
    client.destroy();
  }
};

/** @internal */
export const clearRootSourceAnswers = (): void => {
  rootBySourceKey.clear();
};
