import { DISABLED_REGION_MEMORY_MS } from "./constants.js";

// Epoch milliseconds until which a region is skipped, per account key and region.
const disabledUntil = new Map<string, number>();

const entryKey = (sourceAccessKeyId: string, region: string): string => `${sourceAccessKeyId}\n${region}`;

/** @internal */
export const markRegionDisabled = (sourceAccessKeyId: string, region: string, nowMs: number): void => {
  disabledUntil.set(entryKey(sourceAccessKeyId, region), nowMs + DISABLED_REGION_MEMORY_MS);
};

/** @internal */
export const isRegionDisabled = (sourceAccessKeyId: string, region: string, nowMs: number): boolean => {
  const until = disabledUntil.get(entryKey(sourceAccessKeyId, region));
  return until !== undefined && until > nowMs;
};

/**
 * Forgets every region remembered as disabled.
 * @internal
 */
export const clearDisabledRegions = (): void => {
  disabledUntil.clear();
};
