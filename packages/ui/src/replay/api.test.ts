import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { refusalOf } from './api.js';

describe('refusalOf', () => {
  it('turns the gateway refusals into what the UI asks', () => {
    const annotations = { readOnlyHint: false, destructiveHint: true };
    expect(refusalOf(new ApiError(409, 'confirmation_required', 'Tool "store" is not read-only', { tool: 'store', annotations }))).toEqual({
      type: 'confirm',
      tool: 'store',
      annotations,
      message: 'Tool "store" is not read-only',
    });
    expect(refusalOf(new ApiError(422, 'redacted_params', 'masked', { paths: ['$.arguments.token', 7] }))).toEqual({ type: 'redacted', paths: ['$.arguments.token'], message: 'masked' });
    expect(refusalOf(new ApiError(409, 'session_gone', 'gone'))).toEqual({ type: 'session-gone', message: 'gone' });
    expect(refusalOf(new ApiError(422, 'invalid_params', 'not an object'))).toEqual({ type: 'invalid', message: 'not an object' });
  });

  it('keeps anything else as a failure with its code, and copes with odd details', () => {
    expect(refusalOf(new ApiError(502, 'upstream_unauthorized', '401 from the server'))).toEqual({ type: 'failed', code: 'upstream_unauthorized', status: 502, message: '401 from the server' });
    expect(refusalOf(new ApiError(409, 'confirmation_required', 'x', { tool: 3, annotations: 'no' }))).toMatchObject({ tool: 'this tool', annotations: null });
    expect(refusalOf(new TypeError('Failed to fetch'))).toEqual({ type: 'failed', code: 'network', status: 0, message: 'Failed to fetch' });
  });
});
