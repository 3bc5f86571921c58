import type { Pluggable } from "@smithy/types";

import { mfaSessionMiddleware, mfaSessionMiddlewareOptions } from "./mfaSessionMiddleware.js";
import type { MfaSessionPluginConfig, MfaSessionPluginOptions } from "./types.js";

/**
 * Creates a plugin that adds {@link mfaSessionMiddleware} to a client's stack. The options are
 * validated and `config.credentials` is replaced now, when the plugin is created. Applying the
 * plugin to the same client again replaces the middleware instead of adding a second one.
 *
 * @example
 * ```ts
 * const s3 = new S3Client({ region: "eu-west-1" });
 * s3.middlewareStack.use(getMfaSessionPlugin(s3.config, { serialNumber, mfaCodeProvider }));
 * ```
 * @public
 */
export const getMfaSessionPlugin = <Input extends object, Output extends object>(
  config: MfaSessionPluginConfig,
  options: MfaSessionPluginOptions,
): Pluggable<Input, Output> => {
  const middleware = mfaSessionMiddleware<Input, Output>(config, options);
  return {
    applyToStack: (stack) => {
      stack.add(middleware, mfaSessionMiddlewareOptions);
    },
  };
};
