export { getMfaSessionPlugin } from "./getMfaSessionPlugin.js";
export { mfaSessionMiddleware, mfaSessionMiddlewareOptions } from "./mfaSessionMiddleware.js";
export { isMfaRequiredError } from "./errorCodes.js";
export { DEFAULT_MFA_SESSION_MODE } from "./validateOptions.js";
export type { MfaSessionMode, MfaSessionPluginConfig, MfaSessionPluginOptions } from "./types.js";
