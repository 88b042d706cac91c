import { InvalidArgumentError } from 'commander';

// Parsers for option values. They throw commander's InvalidArgumentError so a
// bad value is reported like every other usage error: one line, exit 2.

export const DEFAULT_PORT = 3333;
export const DEFAULT_HOST = '127.0.0.1';
export const PORT_ENV = 'MCP_GATEWAY_PORT';

export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError('Use an integer from 0 to 65535 (0 picks any free port).');
  }
  return port;
}

export function parseLineCount(value: string): number {
  const count = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(count) || count > 1000) throw new InvalidArgumentError('Use an integer from 0 to 1000.');
  return count;
}

export function parseLimit(value: string): number {
  const count = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new InvalidArgumentError('Use an integer from 1 to 1000.');
  return count;
}

/** An age as people write it: 90s, 30m, 12h, 7d. */
export interface Age {
  text: string;
  ms: number;
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseAge(value: string): Age {
  const match = /^(\d{1,9})([smhd])$/.exec(value.trim());
  const unit = match ? AGE_UNITS[match[2] ?? ''] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new InvalidArgumentError('Use a whole number and a unit: 90s, 30m, 12h or 7d.');
  }
  return { text: value.trim(), ms: Number(match[1]) * unit };
}

/** A point in time: an age back from now (90s, 30m, 12h, 7d), an ISO 8601 time, or epoch milliseconds; as epoch ms. */
export function parseSince(value: string): number {
  const text = value.trim();
  if (/^\d+[smhd]$/.test(text)) return Date.now() - parseAge(text).ms;
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError('Use an age (90s, 30m, 12h, 7d), an ISO time (2026-11-21T20:00:00Z) or epoch milliseconds.');
  return ms;
}

// Same token rule as the registry schema, so a header accepted here is never rejected on save.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `--header "Name: value"`, repeatable; collected into one record. */
export function collectHeader(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = value.indexOf(':');
  const name = colon === -1 ? '' : value.slice(0, colon).trim();
  if (!HEADER_NAME.test(name)) {
    throw new InvalidArgumentError('Write it as "Name: value", e.g. --header "Authorization: Bearer <token>".');
  }
  const clash = Object.keys(previous).find((existing) => existing.toLowerCase() === name.toLowerCase());
  if (clash) throw new InvalidArgumentError(`Header "${clash}" is given twice; pass each header once.`);
  return { ...previous, [name]: value.slice(colon + 1).trim() };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--env KEY=VALUE`, repeatable; the value may itself contain "=". */
export function collectEnv(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf('=');
  const name = equals === -1 ? '' : value.slice(0, equals);
  if (!ENV_NAME.test(name)) {
    throw new InvalidArgumentError('Write it as KEY=VALUE with KEY made of letters, digits and "_", e.g. --env API_KEY=secret.');
  }
  if (name in previous) throw new InvalidArgumentError(`Variable ${name} is given twice; pass each variable once.`);
  return { ...previous, [name]: value.slice(equals + 1) };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  home?: string;
}

/** For commands without --port: with no running gateway, URLs use the port `start` would pick. */
export function portFromEnv(): number {
  const value = process.env[PORT_ENV];
  if (value === undefined) return DEFAULT_PORT;
  try {
    return parsePort(value) || DEFAULT_PORT;
  } catch {
    return DEFAULT_PORT;
  }
}
