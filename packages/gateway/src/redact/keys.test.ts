import { describe, expect, it } from 'vitest';
import { createKeyMatcher, normalizeKey } from './keys.js';

describe('normalizeKey', () => {
  it('lower-cases and drops - _ . and spaces', () => {
    expect(normalizeKey('API-Key')).toBe('apikey');
    expect(normalizeKey('api_key')).toBe('apikey');
    expect(normalizeKey('apiKey')).toBe('apikey');
    expect(normalizeKey('Api.Key')).toBe('apikey');
    expect(normalizeKey('API KEY')).toBe('apikey');
  });
});

describe('createKeyMatcher', () => {
  const denied = createKeyMatcher();

  it.each([
    'password', 'Password', 'PASSWD', 'pwd', 'secret', 'token', 'access_token', 'refreshToken',
    'id-token', 'apiKey', 'api_key', 'API-KEY', 'x-api-key', 'client_secret', 'privateKey',
    'private_key', 'Authorization', 'auth', 'cookie', 'session', 'credentials', 'bearer',
    'signature', 'ssn', 'credit_card', 'card_number', 'csrf', 'code_verifier', 'client_assertion',
  ])('masks %s (exact, after normalization)', (key) => {
    expect(denied(key)).toBe(true);
  });

  it.each([
    'githubToken', 'GITHUB_TOKEN', 'csrfToken', 'webhookSecret', 'dbPassword', 'openaiApiKey',
    'sshPrivateKey', 'aws_secret_access_key', 'awsCredentials', 'setCookie', 'proxyAuthorization',
  ])('masks compound %s (suffix)', (key) => {
    expect(denied(key)).toBe(true);
  });

  it.each([
    'keyboard', 'monkey', 'key', 'keys', 'tokenizer', 'maxTokens', 'max_tokens', 'tokens',
    'tokenCount', 'inputTokens', 'token_type', 'secretName', 'passwordPolicy', 'authorName',
    'sessionId', 'progressToken', 'code', 'name', 'description', 'author',
  ])('keeps %s', (key) => {
    expect(denied(key)).toBe(false);
  });

  it('adds extra keys, normalized like the built-in list', () => {
    const m = createKeyMatcher(['X-Tenant-Pin', 'code']);
    expect(m('tenantPin')).toBe(false);
    expect(m('x_tenant_pin')).toBe(true);
    expect(m('XTenantPin')).toBe(true);
    expect(m('code')).toBe(true);
    expect(m('barcode')).toBe(false); // extra keys match exactly, not by suffix
  });

  it('gives the same answer from its cache', () => {
    expect(denied('apiKey')).toBe(true);
    expect(denied('apiKey')).toBe(true);
    expect(denied('keyboard')).toBe(false);
    expect(denied('keyboard')).toBe(false);
  });
});
