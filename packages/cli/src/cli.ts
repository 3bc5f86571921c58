// Entry point of the mfa-session command, loaded by bin/mfa-session.mjs.
import { runCli } from "./main.js";

const output = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
};

// Process warnings, such as the SDK's notice about the Node.js version, are printed only with
// --debug. Under credential_process the AWS CLI shows stderr when the command fails, and there it
// should contain only the one line that gives the reason.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (process.argv.includes("--debug")) {
    output.stderr(`mfa-session debug: process warning ${warning.name}: ${warning.message.replace(/\s*\n\s*/g, " ")}\n`);
  }
});

// Without a listener, SIGUSR1 starts Node's inspector, through which any local user could read the
// keys in this process's memory.
process.on("SIGUSR1", () => undefined);

// A closed or full standard output (a pipe that ended, /dev/full) fails the command with one line
// instead of a stack trace, and never with status 0, because credential_process would read nothing.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  process.stderr.write(`mfa-session: could not write to standard output (${error.code ?? error.message}).\n`);
  process.exit(1);
});

void runCli(process.argv.slice(2), { output, environment: process.env }).then((status) => {
  process.exitCode = status;
});
