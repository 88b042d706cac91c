// Child processes of the bench: the upstream and the gateway (the real CLI), and
// what Linux tells us about them (/proc/<pid>/status and /stat).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const GATEWAY_DIR = join(BENCH_DIR, '..');
export const REPO_DIR = join(GATEWAY_DIR, '..', '..');
export const CLI_MAIN = join(REPO_DIR, 'packages', 'cli', 'dist', 'main.js');

const tempDirs: string[] = [];
let keepTemp = false;
export function setKeepTemp(keep: boolean): void {
  keepTemp = keep;
}
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mcp-gateway-bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}
export function cleanupTemp(): string[] {
  if (keepTemp) return tempDirs;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  return [];
}

/**
 * With --pin: the bench (the client) and the upstream share CPU 0, the gateway
 * and the reference proxies get CPU 1. Direct and proxied then give client and
 * upstream the same single core, and the proxy's own CPU no longer competes
 * with them: what the gateway costs on a machine with a core to spare.
 */
const PINNED = { client: 0, proxy: 1 } as const;
let pinned = false;
export function pinCpus(): void {
  if (availableParallelism() < 2) throw new Error('--pin needs at least 2 CPUs');
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(PINNED.client), String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`--pin needs Linux's taskset (util-linux) and at least 2 CPUs: ${(error as Error).message}`);
  }
  pinned = true;
}

/** The command that runs node with `args`, on the CPU of `role` when pinning. */
function nodeCommand(role: keyof typeof PINNED, args: string[]): [string, string[]] {
  if (!pinned) return [process.execPath, args];
  // taskset execs node: the pid the bench watches is node's, and every thread node starts inherits the CPU.
  return ['taskset', ['-c', String(PINNED[role]), process.execPath, ...args]];
}

const children = new Set<ChildProcess>();
export function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

/** Waits for the first stdout line matching `pattern`; rejects on exit or timeout. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${timeoutMs} ms; output so far: ${buffer.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const match = buffer.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`${what} exited with code ${code} before it was ready: ${buffer.slice(-2000)}`));
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error): void => {
      cleanup();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface UpstreamProc {
  base: string;
  pid: number;
  child: ChildProcess;
  url(mode: 'json' | 'sse' | 'raw'): string;
  stop(): Promise<void>;
}

export async function startUpstream(): Promise<UpstreamProc> {
  const child = spawn(...nodeCommand('client', [join(BENCH_DIR, 'upstream.mjs')]), { cwd: GATEWAY_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const match = await waitForLine(child, /\{"url":"([^"]+)".*\}\n/, 15_000, 'the bench upstream');
  const base = match[1] as string;
  return {
    base,
    pid: child.pid as number,
    child,
    url: (mode) => `${base}/${mode}/mcp`,
    stop: () => stopChild(child),
  };
}

export interface GatewayProc {
  url: string;
  pid: number;
  home: string;
  /** Headers with the API token (from <home>/token), for the API calls the bench makes. */
  auth: Record<string, string>;
  child: ChildProcess;
  /** ms from spawn to the "running" banner (listening). */
  listenMs: number;
  spawnedAt: number;
  proxyUrl(server: string): string;
  stop(): Promise<void>;
}

export interface GatewayStartOptions {
  home?: string;
  servers?: Record<string, ServerEntry>;
  /** More of mcp.json beside mcpServers (retention, stdio). */
  settings?: Record<string, unknown>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** An HTTP server (url) or a stdio one (command), as mcp.json has them. */
export type ServerEntry = { url: string; headers?: Record<string, string> } | { command: string; args?: string[]; env?: Record<string, string> };

export function writeRegistry(home: string, servers: Record<string, ServerEntry>, settings: Record<string, unknown> = {}): void {
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: servers, ...settings }, null, 2), { mode: 0o600 });
}

/** The real CLI, `mcp-gateway start`, as its own process. */
export async function startGatewayProc(options: GatewayStartOptions = {}): Promise<GatewayProc> {
  const home = options.home ?? tempDir('home');
  if (options.servers) writeRegistry(home, options.servers, options.settings);
  const spawnedAt = performance.now();
  const child = spawn(
    ...nodeCommand('proxy', [...(options.nodeArgs ?? []), CLI_MAIN, 'start', '--port', '0', '--home', home]),
    { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MCP_GATEWAY_HOME: home } },
  );
  children.add(child);
  const log = createWriteStream(join(home, 'gateway.log'));
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const match = await waitForLine(child, /(http:\/\/127\.0\.0\.1:\d+)\/ui\//, 20_000, 'the gateway');
  const listenMs = performance.now() - spawnedAt;
  const url = match[1] as string;
  return {
    url,
    pid: child.pid as number,
    home,
    auth: { authorization: `Bearer ${readFileSync(join(home, 'token'), 'utf8').trim()}` },
    child,
    listenMs,
    spawnedAt,
    proxyUrl: (server) => `${url}/s/${server}/mcp`,
    stop: () => stopChild(child),
  };
}

/** SIGINT (the CLI drains and exits cleanly, so --cpu-prof gets written), then SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export interface ProcMemory {
  rssMB: number;
  hwmMB: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (Linux: write 5 to clear_refs). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux
/** User and system CPU time of a process, in ms. */
export function procCpuSplit(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is state (field 3); utime is field 14, stime field 15.
  return { user: Number(fields[11]) * TICK_MS, sys: Number(fields[12]) * TICK_MS };
}

/** User + system CPU time of a process, in ms. */
export function procCpuMs(pid: number): number {
  const { user, sys } = procCpuSplit(pid);
  return user + sys;
}

/** A child process printing {"url": ...} when ready (the reference proxies). */
export async function startScript(file: string, args: string[], what: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(...nodeCommand('proxy', [file, ...args]), { cwd: GATEWAY_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const match = await waitForLine(child, /\{"url":"([^"]+)"\}\n/, 15_000, what);
  return { url: match[1] as string, pid: child.pid as number, stop: () => stopChild(child) };
}

export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU used by each process over a span, and wall time. */
export class CpuMeter {
  private readonly start: { wall: number; cpu: Record<string, number> };
  constructor(private readonly pids: Record<string, number>) {
    this.start = { wall: performance.now(), cpu: this.read() };
  }
  private read(): Record<string, number> {
    const out: Record<string, number> = { client: selfCpuMs() };
    for (const [name, pid] of Object.entries(this.pids)) {
      try {
        out[name] = procCpuMs(pid);
      } catch {
        out[name] = Number.NaN;
      }
    }
    return out;
  }
  stop(): { wallMs: number; cpuMs: Record<string, number>; cores: Record<string, number> } {
    const wallMs = performance.now() - this.start.wall;
    const now = this.read();
    const cpuMs: Record<string, number> = {};
    const cores: Record<string, number> = {};
    for (const [name, value] of Object.entries(now)) {
      cpuMs[name] = value - (this.start.cpu[name] ?? 0);
      cores[name] = Number(((cpuMs[name] as number) / wallMs).toFixed(2));
    }
    return { wallMs, cpuMs, cores };
  }
}

export function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
