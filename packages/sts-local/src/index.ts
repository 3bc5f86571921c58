// Public API of @mfa-session/sts-local: a loopback STS-compatible server for examples and tests.
export { startStsLocal, STS_API_VERSION } from "./server.js";
export { STS_LOCAL_DEMO_USER } from "./demo.js";
export { decodeBase32, totpCode, TOTP_STEP_SECONDS } from "./totp.js";
export type { TotpOptions } from "./totp.js";
export type {
  StsLocal,
  StsLocalInjectedError,
  StsLocalLogger,
  StsLocalOptions,
  StsLocalRequestRecord,
  StsLocalStats,
  StsLocalUser,
} from "./types.js";
