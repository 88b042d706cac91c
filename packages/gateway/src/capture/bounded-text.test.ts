import { describe, expect, it } from 'vitest';
import { BoundedText, TAIL_BYTES, utf8Prefix, utf8Suffix } from './bounded-text.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('utf8Prefix / utf8Suffix', () => {
  it('never split a surrogate pair or a multi-byte character', () => {
    const s = 'ab😀cé日d';
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => utf8Prefix(s, n))).toEqual([
      '', 'a', 'ab', 'ab', 'ab', 'ab', 'ab😀', 'ab😀c', 'ab😀c', 'ab😀cé',
    ]);
    expect([0, 1, 3, 4, 5, 6, 7, 11, 13].map((n) => utf8Suffix(s, n))).toEqual(['', 'd', 'd', '日d', '日d', 'é日d', 'cé日d', '😀cé日d', 'ab😀cé日d']);
  });

  it('handle a cut through a surrogate pair at the slice edge', () => {
    const s = `${'😀'.repeat(10)}abc`;
    for (let n = 0; n < 50; n++) {
      const p = utf8Prefix(s, n);
      const t = utf8Suffix(s, n);
      expect(bytes(p)).toBeLessThanOrEqual(n);
      expect(bytes(t)).toBeLessThanOrEqual(n);
      expect(s.startsWith(p) && s.endsWith(t)).toBe(true);
      expect(p.includes('\ufffd') || t.includes('\ufffd')).toBe(false);
      expect(bytes(t)).toBeGreaterThan(Math.min(bytes(s), n) - 4);
    }
  });
});

describe('BoundedText', () => {
  it('keeps everything under the cap', () => {
    const b = new BoundedText(100);
    b.append('hello ');
    b.append('');
    b.append('world');
    expect(b.finish()).toEqual({ text: 'hello world', bytes: 11, truncated: false, tail: null });
  });

  it('stays bounded when fed one character at a time', () => {
    const b = new BoundedText(1000);
    const unit = 'aé😀';
    const n = 100_000;
    for (let i = 0; i < n; i++) for (const ch of unit) b.append(ch);
    b.append('END');
    const r = b.finish();
    expect(r.bytes).toBe(n * 7 + 3);
    expect(r.truncated).toBe(true);
    expect(bytes(r.text)).toBeLessThanOrEqual(1000);
    expect(unit.repeat(200).startsWith(r.text)).toBe(true);
    expect(r.tail?.endsWith('😀END')).toBe(true);
    expect(bytes(r.tail ?? '')).toBeLessThanOrEqual(TAIL_BYTES);
    expect(bytes(r.tail ?? '')).toBeGreaterThan(TAIL_BYTES - 4);
  });
});
