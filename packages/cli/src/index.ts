export { runCli } from "./main.js";
export { EXIT_CODES } from "./errors.js";
export {
  ENV_FORMATS,
  REMOVED_VARIABLES,
  formatEnvironment,
  formatExpiration,
  sessionEnvironment,
  sessionVariables,
} from "./environment.js";
export type { EnvFormat } from "./environment.js";
export type { CommandContext } from "./commands.js";
export type { CliOutput } from "./logger.js";
