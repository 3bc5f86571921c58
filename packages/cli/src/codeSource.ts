import type { MfaCodeProvider } from "@mfa-session/credential-provider";
import { commandMfaCode, firstAvailable, MfaCodeSourceError, promptMfaCode, totpMfaCode } from "@mfa-session/mfa-code";

import type { CodeSourceSettings } from "./options.js";

/** The code source of one run, with the names of its parts for messages. @internal */
export interface CliCodeSource {
  provider: MfaCodeProvider;
  /** The sources in the order they are tried, such as `--totp-secret-env AWS_TOTP_SECRET`. */
  names: string[];
}

/**
 * Builds the code source of a command: the sources named on the command line first, then the
 * profile's `mfa_process`, then the terminal prompt. A later source is tried only when an earlier
 * one is unavailable (variable unset, command not found, no terminal), as `firstAvailable` does.
 * @internal
 */
export const buildCodeSource = (settings: CodeSourceSettings, profileName: string, mfaProcess: string | undefined): CliCodeSource => {
  const sources: MfaCodeProvider[] = [];
  const names: string[] = [];

  if (settings.mfaCode !== undefined) {
    sources.push(fixedCodeOnce(settings.mfaCode));
    names.push("--mfa-code");
  }
  if (settings.totpSecretEnv !== undefined) {
    sources.push(totpMfaCode({ secretEnv: settings.totpSecretEnv }));
    names.push(`--totp-secret-env ${settings.totpSecretEnv}`);
  }
  if (settings.codeCommand !== undefined) {
    sources.push(commandMfaCode(settings.codeCommand));
    names.push("--code-command");
  }
  if (mfaProcess !== undefined) {
    sources.push(commandMfaCode(mfaProcess));
    names.push(`mfa_process of profile ${profileName}`);
  }
  sources.push(promptMfaCode());
  names.push("terminal prompt");

  return { provider: firstAvailable(...sources), names };
};

// A code typed on the command line is valid once: after STS rejected it, or once it was sent, the
// next source is asked instead.
const fixedCodeOnce = (code: string): MfaCodeProvider => {
  let used = false;
  return async () => {
    if (used) {
      throw new MfaCodeSourceError("The code given with --mfa-code was already sent.", { code: "MFA_ENV_CODE_REUSED", unavailable: true });
    }
    used = true;
    return code;
  };
};
