import { closeSync, constants, openSync, writeSync } from "node:fs";
import { isatty, ReadStream } from "node:tty";

/**
 * Device of the controlling terminal: `/dev/tty` on Unix, the console on Windows.
 * @public
 */
export const DEFAULT_TTY_PATH = process.platform === "win32" ? "\\\\.\\CONIN$" : "/dev/tty";

// TODO(windows): the CONIN$/CONOUT$ pair and tty.ReadStream on a console handle are untested.
const WINDOWS_CONSOLE_OUTPUT = "\\\\.\\CONOUT$";

// O_NOCTTY keeps a process without a controlling terminal from acquiring one by opening a tty device.
const NO_CONTROLLING_TTY = constants.O_NOCTTY ?? 0;

// Maximum line length kept from the terminal. Longer input is cut there, which only makes it invalid.
const MAX_LINE_LENGTH = 1024;

interface TerminalPaths {
  input: string;
  output: string;
}

/** Result of opening a terminal device: its descriptor, or why it could not be used. @internal */
export type TerminalOpenResult = { ok: true; fd: number } | { ok: false; path: string; reason: string };

const terminalPaths = (ttyPath: string | undefined): TerminalPaths => {
  if (ttyPath !== undefined) {
    return { input: ttyPath, output: ttyPath };
  }
  return process.platform === "win32"
    ? { input: DEFAULT_TTY_PATH, output: WINDOWS_CONSOLE_OUTPUT }
    : { input: DEFAULT_TTY_PATH, output: DEFAULT_TTY_PATH };
};

const openTerminalDevice = (path: string, flags: number): TerminalOpenResult => {
  let fd: number;
  try {
    fd = openSync(path, flags | NO_CONTROLLING_TTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { ok: false, path, reason: `opening ${path} failed with ${code}` };
  }

  if (!isatty(fd)) {
    closeSync(fd);
    return { ok: false, path, reason: `${path} is not a terminal` };
  }
  return { ok: true, fd };
};

/** Opens the terminal for reading. @internal */
export const openTerminalInput = (ttyPath: string | undefined): TerminalOpenResult =>
  openTerminalDevice(terminalPaths(ttyPath).input, constants.O_RDONLY);

/** Opens the terminal for writing. @internal */
export const openTerminalOutput = (ttyPath: string | undefined): TerminalOpenResult =>
  openTerminalDevice(terminalPaths(ttyPath).output, constants.O_WRONLY);

/**
 * Writes `text` to the terminal when there is one. Returns false, and writes nothing, when there is
 * no terminal or the write fails.
 * @internal
 */
export const writeToTerminal = (ttyPath: string | undefined, text: string): boolean => {
  const output = openTerminalOutput(ttyPath);
  if (!output.ok) {
    return false;
  }

  try {
    writeSync(output.fd, text);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(output.fd);
  }
};

/** Raised by {@link TerminalSession.readLine} when the terminal reaches end of input or fails. @internal */
export class TerminalClosedError extends Error {
  override name = "TerminalClosedError";
}

/**
 * The controlling terminal, opened for line input and prompt output. It leaves the terminal in
 * its normal (cooked) mode, so the terminal driver echoes and edits the line and Ctrl-C still
 * sends SIGINT. It never touches the process's stdin, stdout or stderr.
 * @internal
 */
export class TerminalSession {
  private readonly inputFd: number;
  private readonly outputFd: number;
  private input: ReadStream | undefined;
  private buffered = "";
  private closed = false;
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;

  private constructor(inputFd: number, outputFd: number) {
    this.inputFd = inputFd;
    this.outputFd = outputFd;
  }

  /** Opens the terminal, or returns why it cannot be used. */
  static open(ttyPath: string | undefined): TerminalSession | { reason: string } {
    const input = openTerminalInput(ttyPath);
    if (!input.ok) {
      return { reason: input.reason };
    }

    const output = openTerminalOutput(ttyPath);
    if (!output.ok) {
      closeSync(input.fd);
      return { reason: output.reason };
    }
    return new TerminalSession(input.fd, output.fd);
  }

  write(text: string): void {
    if (!this.closed) {
      writeSync(this.outputFd, text);
    }
  }

  /** Returns the next line typed, without its line ending. */
  readLine(): Promise<string> {
    if (this.closed) {
      return Promise.reject(new TerminalClosedError("The terminal is closed."));
    }

    const line = this.takeLine();
    if (line !== undefined) {
      return Promise.resolve(line);
    }
    return new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.startReading().resume();
    });
  }

  /** Stops reading and closes both descriptors. Rejects a pending {@link readLine}. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.fail(new TerminalClosedError("The terminal is closed."));
    this.closed = true;
    if (this.input === undefined) {
      closeSync(this.inputFd);
    } else {
      this.input.destroy();
    }
    closeSync(this.outputFd);
  }

  /**
   * Creates the read stream on first use. A tty.ReadStream reads from the terminal from the moment
   * it exists, even while paused, so a session waiting for its turn must not have one yet, or it
   * would take the lines typed for the prompt before it.
   */
  private startReading(): ReadStream {
    if (this.input !== undefined) {
      return this.input;
    }

    const input = new ReadStream(this.inputFd);
    input.setEncoding("utf8");
    input.on("data", (chunk: string) => this.receive(chunk));
    input.on("end", () => this.fail(new TerminalClosedError("The terminal reached end of input.")));
    input.on("error", (error) => {
      this.fail(new TerminalClosedError(`Reading the terminal failed: ${error.message}`));
    });
    this.input = input;
    return input;
  }

  private receive(chunk: string): void {
    this.buffered = (this.buffered + chunk).slice(-MAX_LINE_LENGTH * 4);
    const waiter = this.waiter;
    if (waiter === undefined) {
      return;
    }

    const line = this.takeLine();
    if (line !== undefined) {
      this.waiter = undefined;
      this.input?.pause();
      waiter.resolve(line);
    }
  }

  private takeLine(): string | undefined {
    const end = this.buffered.indexOf("\n");
    if (end === -1) {
      return undefined;
    }
    const line = this.buffered.slice(0, end).replace(/\r$/, "");
    this.buffered = this.buffered.slice(end + 1);
    return line.slice(0, MAX_LINE_LENGTH);
  }

  private fail(error: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }
}
