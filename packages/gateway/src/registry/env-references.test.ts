import { afterEach, describe, expect, it } from 'vitest';
import { configuredHeaders, configuredHeadersCache, MissingVariableError } from './env-references.js';

const VARIABLE = 'MCP_GATEWAY_ENV_TEST_TOKEN';

afterEach(() => {
  delete process.env[VARIABLE];
});

describe('configuredHeadersCache', () => {
  it('answers fixed headers as configuredHeaders does, once per entry', () => {
    const cached = configuredHeadersCache();
    const server = { name: 's', entry: { headers: { Authorization: 'Bearer fixed', 'X-Team': 'a' } } };
    const first = cached(server);
    expect(first).toEqual(configuredHeaders(server));
    expect(cached(server)).toBe(first);
    // A reload makes a new entry, and with it new headers.
    expect(cached({ name: 's', entry: { headers: { Authorization: 'Bearer changed' } } })).toEqual({ Authorization: 'Bearer changed' });
    expect(cached({ name: 's', entry: {} })).toEqual({});
  });

  it('reads the environment on every use when a header names a variable', () => {
    const cached = configuredHeadersCache();
    const server = { name: 's', entry: { headers: { Authorization: `Bearer \${env:${VARIABLE}}` } } };
    expect(() => cached(server)).toThrow(MissingVariableError);
    process.env[VARIABLE] = 'one';
    expect(cached(server)).toEqual({ Authorization: 'Bearer one' });
    process.env[VARIABLE] = 'two';
    expect(cached(server)).toEqual({ Authorization: 'Bearer two' });
  });
});
