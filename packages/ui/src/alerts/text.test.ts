import { describe, expect, it } from 'vitest';
import { valueAt } from './text.js';

describe('valueAt', () => {
  const body = { result: { tools: [{ name: 'a', inputSchema: { properties: { 'my-key': { description: 'd' } } } }] } };
  it('follows dotted, indexed and quoted steps', () => {
    expect(valueAt(body, '$.result.tools[0].name')).toBe('a');
    expect(valueAt(body, '$.result.tools[0].inputSchema.properties["my-key"].description')).toBe('d');
  });
  it('gives undefined for a path that does not resolve or does not parse', () => {
    expect(valueAt(body, '$.result.tools[3].name')).toBeUndefined();
    expect(valueAt(body, '$.result..tools')).toBeUndefined();
  });
});
