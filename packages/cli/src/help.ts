/** Help texts printed by `--help`; the README repeats the options and exit statuses. @internal */

const CODE_OPTIONS = `Code sources (tried in this order; a source that is unavailable passes to the next):
  --mfa-code CODE          The six digits the device shows now. The code stays in your shell
                           history and the process list, so prefer the other sources.
  --totp-secret-env NAME   Compute codes from the base32 TOTP secret (or otpauth:// URI) in
                           environment variable NAME.
  --code-command CMD       Run CMD with /bin/sh and read the code from its output.
  (profile mfa_process)    Same as --code-command, from the profile's mfa_process setting.
  (terminal prompt)        Ask on the controlling terminal (/dev/tty), also under credential_process.`;

const SESSION_OPTIONS = `Session options:
  --profile NAME           Shared config profile with the long-term keys (or a source_profile
                           that has them) and mfa_serial.
  --region REGION          STS region. Default: the profile's region, AWS_REGION, AWS_DEFAULT_REGION,
                           then us-east-1.
  --duration-seconds N     Session lifetime requested: 900 to 129600 (root user: 900 to 3600).
                           Default: the profile's duration_seconds, else 43200 (root user: 3600).
  --endpoint-url URL       STS endpoint instead of the regional one, such as a local test server.
                           Default: the profile's endpoint_url.
  --no-cache               Do not read or write the session cache files.
  --cache-dir DIR          Directory of the session cache. Default: MFA_SESSION_CACHE_DIR, else
                           $XDG_CACHE_HOME/mfa-session or ~/.cache/mfa-session.
  --debug                  Write debug lines to stderr (never keys, tokens or codes).
  -h, --help               Print this help and exit.`;

const EXIT_STATUS = `Exit status: 0 success, 1 no session could be obtained (the reason is one line on stderr),
2 invalid command line.`;

export const MAIN_HELP = `Usage: mfa-session COMMAND [OPTIONS]

MFA sessions from STS GetSessionToken for the AWS CLI, SDKs and shells.

Commands:
  credential-process   Print a session as credential_process JSON.
  env                  Print shell commands that export a session.
  exec                 Run a command with a session in its environment.
  status               List cached sessions and the time they have left.
  clear                Remove cached sessions.

Run "mfa-session COMMAND --help" for the options of a command.

${EXIT_STATUS}`;

export const CREDENTIAL_PROCESS_HELP = `Usage: mfa-session credential-process --profile NAME [OPTIONS]

Prints the session for profile NAME as credential_process JSON on stdout (Version, AccessKeyId,
SecretAccessKey, SessionToken, Expiration) and nothing else. Use it in ~/.aws/config:

  [profile dev-mfa]
  credential_process = mfa-session credential-process --profile dev

A session in the cache is printed without asking for a code. Without a terminal and without
another code source it fails at once with one line on stderr.

${SESSION_OPTIONS}

${CODE_OPTIONS}

${EXIT_STATUS}`;

export const ENV_HELP = `Usage: mfa-session env [--profile NAME] [--format sh|fish|powershell|json] [OPTIONS]

Prints commands that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION and, when a region is configured, AWS_REGION and AWS_DEFAULT_REGION, and
that unset AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN. Long-term keys are never printed.

  eval "$(mfa-session env --profile dev)"                       # sh, bash, zsh
  mfa-session env --profile dev --format fish | source          # fish
  mfa-session env --profile dev --format powershell | Invoke-Expression

  --format FORMAT          sh (default), fish, powershell, or json (one object of the variables).

The profile defaults to AWS_PROFILE, then "default".

${SESSION_OPTIONS}

${CODE_OPTIONS}

${EXIT_STATUS}`;

export const EXEC_HELP = `Usage: mfa-session exec [--profile NAME] [OPTIONS] -- COMMAND [ARGS...]

Runs COMMAND with the session in its environment (the variables "mfa-session env" prints) and
without the long-term keys, AWS_PROFILE and AWS_DEFAULT_PROFILE. SIGINT, SIGTERM, SIGHUP, SIGQUIT,
SIGUSR1 and SIGUSR2 are passed on to it. The profile defaults to AWS_PROFILE, then "default".

${SESSION_OPTIONS}

${CODE_OPTIONS}

Exit status: the status of COMMAND, or 128 plus the signal number when a signal ended it;
1 no session could be obtained, 2 invalid command line, 126 COMMAND could not be run,
127 COMMAND was not found.`;

export const STATUS_HELP = `Usage: mfa-session status [--profile NAME] [--cache-dir DIR]

Lists the sessions in the cache with their profile, MFA serial, region, expiry and time left.
It shows no keys, tokens or cache keys.

  --profile NAME           Only sessions of this profile.
  --cache-dir DIR          Directory of the session cache (see credential-process --help).
  --debug                  Write debug lines to stderr.
  -h, --help               Print this help and exit.

Exit status: 0 success (also when the cache is empty), 1 the cache could not be read,
2 invalid command line.`;

export const CLEAR_HELP = `Usage: mfa-session clear [--profile NAME] [--cache-dir DIR]

Removes the cached sessions of profile NAME, or every cached session without --profile, and
prints how many were removed. The sessions stay valid at STS until they expire.

  --profile NAME           Only sessions of this profile.
  --cache-dir DIR          Directory of the session cache (see credential-process --help).
  --debug                  Write debug lines to stderr.
  -h, --help               Print this help and exit.

Exit status: 0 success, 1 the cache could not be changed, 2 invalid command line.`;
