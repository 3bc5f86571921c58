import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { isSourceUnavailable, MfaCodeSourceError } from "./errors.js";
import { abortedError } from "./timeLimit.js";
import { describeSerial, type MfaCodeSource } from "./types.js";

/** Any function that returns a code for a serial, such as the sources of this package. @public */
export type MfaCodeSourceLike = (serialNumber: string, context: MfaCodeContext) => Promise<string>;

const describeSource = (source: MfaCodeSourceLike, index: number): string =>
  source.name === "" ? `source ${index + 1}` : `source ${index + 1} (${source.name})`;

/**
 * Creates a source that tries `sources` in order and returns the first code obtained. A source
 * that fails with `unavailable: true` (no terminal, variable unset, program not installed) is
 * skipped, so one configuration serves both a laptop and CI. Any other error stops the search and
 * is thrown as it is. When every source is unavailable, it fails with `MFA_ALL_UNAVAILABLE`,
 * itself marked unavailable, whose message lists each source's reason.
 * @public
 */
export const firstAvailable = (...sources: MfaCodeSourceLike[]): MfaCodeSource => {
  if (sources.length === 0 || sources.some((source) => typeof source !== "function")) {
    throw new MfaCodeSourceError("firstAvailable needs one or more code sources, each a function.", {
      code: "MFA_INVALID_OPTION",
    });
  }
  const list = [...sources];

  return async function firstAvailable(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    const subject = describeSerial(serialNumber, context);
    const skipped: { source: string; error: unknown }[] = [];

    for (const [index, source] of list.entries()) {
      if (context?.signal.aborted) {
        throw abortedError("firstAvailable", subject);
      }

      try {
        // Sources written for fromMfaSession expect a context, which callers of this function may omit.
        return await (source as MfaCodeSource)(serialNumber, context);
      } catch (error) {
        if (!isSourceUnavailable(error)) {
          throw error;
        }
        skipped.push({ source: describeSource(source, index), error });
      }
    }

    const reasons = skipped
      .map(({ source, error }) => `- ${source}: ${error instanceof Error ? error.message : String(error)}`)
      .join("\n");
    throw new MfaCodeSourceError(`No MFA code source is available for ${subject}:\n${reasons}`, {
      code: "MFA_ALL_UNAVAILABLE",
      unavailable: true,
      cause: new AggregateError(
        skipped.map(({ error }) => error),
        "Errors of the unavailable sources",
      ),
    });
  };
};
