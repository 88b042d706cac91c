// Extra patterns from the gateway config, compiled once. A bad pattern is a
// config error: it throws at start-up with the pattern's id, never later on
// the recording path.
import { PRIORITY } from './ranges.js';
import type { ExtraPattern, Finding, Scanner } from './types.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ALLOWED_FLAGS = /^[imsuv]*$/;

interface Compiled {
  id: string;
  re: RegExp;
  /** The pattern has a `(?<secret>…)` group: mask only that group. */
  group: boolean;
}

function compile(p: ExtraPattern): Compiled {
  const label = `redaction pattern "${String(p.id)}" (/${String(p.pattern)}/${p.flags ?? ''})`;
  if (typeof p.id !== 'string' || !ID.test(p.id)) {
    throw new Error(`Invalid ${label}: the id must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  if (typeof p.pattern !== 'string' || p.pattern.length === 0) {
    throw new Error(`Invalid ${label}: the pattern must be a non-empty string`);
  }
  const flags = [...new Set((p.flags ?? '').replace(/g/g, ''))].join('');
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new Error(`Invalid ${label}: only the flags i, m, s, u, v are allowed`);
  }
  const group = p.pattern.includes('(?<secret>');
  try {
    return { id: p.id, re: new RegExp(p.pattern, `${flags}g${group ? 'd' : ''}`), group };
  } catch (e) {
    throw new Error(`Invalid ${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function extraPatternsScanner(patterns: readonly ExtraPattern[]): Scanner | null {
  if (patterns.length === 0) return null;
  const compiled = patterns.map(compile);
  return (s: string, out: Finding[]): void => {
    for (const { id, re, group } of compiled) {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++; // an empty match would loop forever
          continue;
        }
        const span: readonly [number, number] | undefined = group
          ? m.indices?.groups?.['secret']
          : [m.index, m.index + m[0].length];
        if (span !== undefined && span[1] > span[0]) {
          out.push({ start: span[0], end: span[1], rule: id, priority: PRIORITY.extra });
        }
      }
    }
  };
}
