import type { AwsIdentityProperties } from "@aws-sdk/types";
import type { Provider } from "@smithy/types";

import { DEFAULT_REGION } from "./constants.js";

/** Source of the STS call's region, named in the debug log. @internal */
export type RegionSource = "clientConfig.region" | "profile" | "AWS_REGION" | "AWS_DEFAULT_REGION" | "caller client" | "default";

/** @internal */
export interface ResolvedRegion {
  region: string;
  source: RegionSource;
}

/**
 * Picks the STS region: the explicit option, then the profile's `region`, then the environment,
 * then the region of the client that calls the provider, then `us-east-1`.
 * @internal
 */
export const resolveRegion = async (
  explicit: string | Provider<string> | undefined,
  callerClientConfig: AwsIdentityProperties["callerClientConfig"],
  profileRegion?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedRegion> => {
  const explicitRegion = typeof explicit === "function" ? await explicit() : explicit;
  if (explicitRegion) {
    return { region: explicitRegion, source: "clientConfig.region" };
  }
  if (profileRegion) {
    return { region: profileRegion, source: "profile" };
  }
  if (env.AWS_REGION) {
    return { region: env.AWS_REGION, source: "AWS_REGION" };
  }
  if (env.AWS_DEFAULT_REGION) {
    return { region: env.AWS_DEFAULT_REGION, source: "AWS_DEFAULT_REGION" };
  }

  const callerRegion = await readCallerRegion(callerClientConfig);
  if (callerRegion) {
    return { region: callerRegion, source: "caller client" };
  }
  return { region: DEFAULT_REGION, source: "default" };
};

// A client without a region throws from region(), which only means this source has no region.
const readCallerRegion = async (
  callerClientConfig: AwsIdentityProperties["callerClientConfig"],
): Promise<string | undefined> => {
  try {
    return (await callerClientConfig?.region?.()) || undefined;
  } catch {
    return undefined;
  }
};
