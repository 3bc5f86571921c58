import { clearCommand, credentialProcessCommand, envCommand, execCommand, statusCommand, type CommandContext } from "./commands.js";
import { describeFailure, EXIT_CODES, UsageError } from "./errors.js";
import { MAIN_HELP } from "./help.js";

const COMMANDS: Record<string, (args: string[], context: CommandContext) => Promise<number>> = {
  "credential-process": credentialProcessCommand,
  env: envCommand,
  exec: execCommand,
  status: statusCommand,
  clear: clearCommand,
};

/**
 * Runs `mfa-session` with `args` (without the node and script paths) and resolves with the exit
 * status. Failures are written to stderr as one line; nothing is thrown.
 * @public
 */
export const runCli = async (args: string[], context: CommandContext): Promise<number> => {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && topic in COMMANDS) {
      return runCli([topic, "--help"], context);
    }
    if (topic !== undefined) {
      context.output.stderr(`mfa-session: unknown command "${topic.slice(0, 80)}". Commands: ${Object.keys(COMMANDS).join(", ")}.\n`);
      return EXIT_CODES.usage;
    }
    (name === undefined ? context.output.stderr : context.output.stdout)(`${MAIN_HELP}\n`);
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }

  const command = COMMANDS[name];
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}.`);
    }
    return await command(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.output.stderr(`mfa-session: ${error.message}\nRun "mfa-session ${name in COMMANDS ? `${name} ` : ""}--help" for usage.\n`);
      return EXIT_CODES.usage;
    }
    context.output.stderr(`mfa-session ${name}: ${describeFailure(error)}\n`);
    return EXIT_CODES.failure;
  }
};
