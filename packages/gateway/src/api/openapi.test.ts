import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { api } from './test-support/traffic.js';

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown>; description?: string }>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

describe('GET /api/openapi.json', () => {
  let gateway: TestGateway;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    gateway = await startTestGateway();
    doc = await api(gateway, '/openapi.json');
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it('documents every API route the app serves, and nothing else', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(
      gateway.app.routes
        .filter((r) => r.path.startsWith('/api/') && !r.path.endsWith('*') && r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)));
    expect(documented).toEqual(served);
    for (const route of [
      'get /api/servers', 'post /api/servers', 'get /api/servers/{name}', 'put /api/servers/{name}', 'delete /api/servers/{name}',
      'get /api/servers/{name}/health', 'get /api/messages', 'delete /api/messages', 'get /api/messages/{id}', 'get /api/sessions',
      'get /api/sessions/{id}', 'get /api/stats', 'get /api/events', 'get /api/export', 'post /api/import', 'get /api/openapi.json', 'get /api/health',
      'get /api/audit', 'post /api/messages/{id}/replay', 'post /api/sessions/{id}/verify', 'get /api/servers/{name}/catalog', 'post /api/servers/{name}/requests',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('describes each parameter and links responses to component schemas that exist', () => {
    const list = doc.paths['/api/messages']?.get as Operation;
    const names = list.parameters?.map((p) => p.name);
    expect(names).toEqual(['server', 'session', 'method', 'direction', 'kind', 'errors', 'status', 'minDurationMs', 'since', 'until', 'jsonrpcId', 'q', 'origin', 'before', 'after', 'limit', 'order', 'maxBody']);
    const limit = list.parameters?.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } });
    expect(list.parameters?.find((p) => p.name === 'kind')?.schema.enum).toEqual(['request', 'response', 'notification', 'error', 'invalid']);
    expect(doc.paths['/api/messages/{id}']?.get?.parameters?.[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        for (const p of op.parameters ?? []) expect(p.description, `${method} ${path} ${p.name}`).toBeTruthy();
        for (const response of Object.values(op.responses)) {
          for (const media of Object.values(response.content ?? {})) {
            const ref = media.schema?.$ref;
            if (ref) expect(doc.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
          }
        }
      }
    }
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
  });
});
