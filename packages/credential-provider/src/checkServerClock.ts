import { MfaSessionError } from "./errors.js";

/**
 * Largest difference between the STS server's `Date` header and the local clock that is accepted
 * (5 minutes). Beyond it, refresh windows computed from the local clock would be wrong by as much.
 * @public
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Throws `CLOCK_SKEW` when the server's clock and the local clock differ by more than
 * {@link MAX_CLOCK_SKEW_MS}. A missing or unparsable `Date` header passes.
 * @internal
 */
export const checkServerClock = (serverDate: Date | undefined, nowMs: number): void => {
  if (serverDate === undefined || Number.isNaN(serverDate.getTime())) {
    return;
  }

  const skewMs = serverDate.getTime() - nowMs;
  if (Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) {
    return;
  }

  const direction = skewMs > 0 ? "behind" : "ahead of";
  throw new MfaSessionError(
    `The local clock (${new Date(nowMs).toISOString()}) is ${Math.round(Math.abs(skewMs) / 1000)} s ${direction} ` +
      `the STS server's clock (${serverDate.toISOString()}), more than the ${MAX_CLOCK_SKEW_MS / 1000} s allowed. ` +
      `Session expiry would be misjudged: synchronize the clock (NTP) and try again.`,
    { code: "CLOCK_SKEW" },
  );
};
