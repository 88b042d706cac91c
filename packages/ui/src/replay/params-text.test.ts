import { describe, expect, it } from 'vitest';
import type { ServerCatalog } from './catalog.js';
import { analyzeParams } from './params-text.js';

const catalog: ServerCatalog = {
  tools: [{ name: 'login', inputSchema: { type: 'object', properties: { user: { type: 'string' }, token: { type: 'string' } }, required: ['user', 'token'] } }],
  prompts: [],
  resources: [],
  resourceTemplates: [],
};

describe('analyzeParams', () => {
  it('reports a syntax error with its line and column, and no value', () => {
    const text = '{\n  "name": "login"\n  "arguments": {}\n}';
    const result = analyzeParams(text, 'tools/call', catalog);
    expect(result.valid).toBe(false);
    expect(result.value).toBeUndefined();
    expect(result.findings[0]).toMatchObject({ kind: 'syntax', line: 3, message: 'column 3: expected a comma between the items' });
  });

  it('refuses comments, trailing commas and an empty text', () => {
    expect(analyzeParams('{"a": 1,}', 'ping', catalog).valid).toBe(false);
    expect(analyzeParams('{"a": 1 // note\n}', 'ping', catalog).valid).toBe(false);
    expect(analyzeParams('  ', 'ping', catalog).findings[0]?.message).toMatch(/type \{\} to send no params/);
  });

  it('points a schema problem at its field, and a missing field at its object', () => {
    const text = JSON.stringify({ name: 'login', arguments: { user: 7 } }, null, 2);
    const { findings, valid } = analyzeParams(text, 'tools/call', catalog);
    expect(valid).toBe(true);
    expect(findings.map((f) => [f.path, f.message, f.line])).toEqual([
      ['$.arguments.token', 'is required', 3],
      ['$.arguments.user', 'must be a string (is an integer)', 4],
    ]);
    const user = findings[1]?.range;
    expect(user && text.slice(user.offset, user.offset + user.length)).toBe('7');
  });

  it('finds the redaction markers still in the params, and marks only the marker', () => {
    const text = JSON.stringify({ name: 'login', arguments: { user: 'ann', token: 'Bearer [REDACTED:jwt]' } }, null, 2);
    const { findings } = analyzeParams(text, 'tools/call', catalog);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'secret', path: '$.arguments.token', line: 5 });
    const range = findings[0]?.range;
    expect(range && text.slice(range.offset, range.offset + range.length)).toBe('[REDACTED:jwt]');
    const typed = text.replace('[REDACTED:jwt]', 'abc');
    expect(analyzeParams(typed, 'tools/call', catalog).findings).toEqual([]);
  });
});
