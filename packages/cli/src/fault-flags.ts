import { InvalidArgumentError } from 'commander';

// Parsers for `fault add`'s numeric flags (no gateway import: --help stays instant).

export function parseWhole(value: string): number {
  const n = /^-?\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('Use a whole number.');
  return n;
}

export function parseCount(value: string): number {
  const n = parseWhole(value);
  if (n < 0) throw new InvalidArgumentError('Use a whole number, 0 or more.');
  return n;
}

export function parseProbability(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError('Use a number above 0 and at most 1, e.g. 0.25.');
  return n;
}

export function parseSeconds(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Use a number of seconds above 0, e.g. 300.');
  return n;
}
