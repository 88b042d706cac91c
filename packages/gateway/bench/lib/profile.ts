// Reads a V8 .cpuprofile (node --cpu-prof) and ranks self time by function and by module.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  topFunctions: Array<{ fn: string; where: string; selfMs: number; pctOfBusy: number }>;
  byModule: Array<{ module: string; selfMs: number; pctOfBusy: number }>;
}

function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(deps\/)?/, 'node:').split('/').slice(0, 2).join('/');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] as string);
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `gateway:${url.slice(dist + 6).replace(/\.js$/, '')}`;
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map<string, { fn: string; where: string; selfMs: number }>();
  const modules = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    total += ms;
    if (fn === '(idle)') {
      idle += ms;
      continue;
    }
    const short = url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
    const where = url ? `${short}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const entry = fns.get(key) ?? { fn, where, selfMs: 0 };
    entry.selfMs += ms;
    fns.set(key, entry);
    const mod = moduleOf(url, fn);
    modules.set(mod, (modules.get(mod) ?? 0) + ms);
  }
  const busy = total - idle;
  const pct = (ms: number): number => Number(((ms / busy) * 100).toFixed(1));
  return {
    totalMs: total,
    busyMs: busy,
    topFunctions: [...fns.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top).map((f) => ({ ...f, selfMs: Number(f.selfMs.toFixed(1)), pctOfBusy: pct(f.selfMs) })),
    byModule: [...modules.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, ms]) => ({ module, selfMs: Number(ms.toFixed(1)), pctOfBusy: pct(ms) })),
  };
}

export function renderProfile(s: ProfileSummary): string {
  const out = [`busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled`, '', 'self time by module:'];
  for (const m of s.byModule) out.push(`  ${m.pctOfBusy.toFixed(1).padStart(5)}%  ${m.selfMs.toFixed(0).padStart(7)} ms  ${m.module}`);
  out.push('', 'top functions by self time:');
  for (const f of s.topFunctions) out.push(`  ${f.pctOfBusy.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.fn}  ${f.where}`);
  return out.join('\n');
}
