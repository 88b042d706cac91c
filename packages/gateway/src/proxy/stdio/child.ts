import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface StdioCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface StdioChildEvents {
  /** One line of stdout, as text (the caller parses it: stray output is recorded as invalid). */
  onLine(line: string): void;
  onStderr(line: string): void;
  onExit(exit: { code: number | null; signal: NodeJS.Signals | null }): void;
}

/** Longest stdout line (one JSON-RPC message) or stderr line kept; longer ones are cut. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;
const MAX_STDERR_LINE_CHARS = 8 * 1024;

/**
 * A stdio MCP server process: newline-delimited JSON-RPC on stdin/stdout,
 * free text on stderr. Spawned without a shell, so arguments are never
 * interpreted. Closing follows the spec: stdin closed, then SIGTERM, then SIGKILL.
 */
export class StdioChild {
  private process: ChildProcessWithoutNullStreams | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: StdioCommand,
    private readonly events: StdioChildEvents,
  ) {}

  /** Resolves once the process runs; rejects when it cannot start (missing command, bad cwd). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, this.spec.args, {
        env: this.spec.env,
        cwd: this.spec.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
      });
      this.process = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        // Later errors (EPIPE on a dead child) end in 'close' anyway.
        child.on('error', () => undefined);
        resolve();
      });
      child.stdin.on('error', () => undefined);
      splitLines(child.stdout, MAX_LINE_CHARS, (line) => this.events.onLine(line));
      splitLines(child.stderr, MAX_STDERR_LINE_CHARS, (line) => this.events.onStderr(line));
      child.once('close', (code, signal) => this.events.onExit({ code, signal }));
    });
  }

  get pid(): number | null {
    return this.process?.pid ?? null;
  }

  get running(): boolean {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  send(message: unknown): void {
    if (!this.running) return;
    this.process?.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** stdin closed, then SIGTERM after `graceMs`, then SIGKILL after another `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    const child = this.process;
    if (!child || !this.running) return;
    child.stdin.end();
    if (await settlesWithin(this.exited, graceMs)) return;
    child.kill('SIGTERM');
    if (await settlesWithin(this.exited, graceMs)) return;
    child.kill('SIGKILL');
    await this.exited;
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function splitLines(stream: NodeJS.ReadableStream, maxChars: number, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let overflow = false;
  stream.on('data', (chunk: Buffer) => {
    const text = pending + decoder.write(chunk);
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (overflow) {
        overflow = false; // the rest of an over-long line: dropped
        continue;
      }
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (pending.length > maxChars) {
      onLine(pending.slice(0, maxChars));
      pending = '';
      overflow = true;
    }
  });
  stream.on('end', () => {
    const rest = pending + decoder.end();
    if (rest && !overflow) onLine(rest);
  });
}
