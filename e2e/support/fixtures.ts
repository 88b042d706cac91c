/**
 * The `gateway` fixture (support/gateway.ts) plus `upstream`: a real SDK MCP
 * server (support/upstream.ts), one per worker.
 *
 *   import { expect, test } from '../support/fixtures.js';
 *   test('...', async ({ page, gateway, upstream }) => { ... });
 */
import { expect, test as gatewayTest } from './gateway.js';
import { startUpstream, type Upstream } from './upstream.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no test-scoped fixtures
export const test = gatewayTest.extend<{}, { upstream: Upstream }>({
  upstream: [
    async ({}, use) => {
      const upstream = await startUpstream();
      try {
        await use(upstream);
      } finally {
        await upstream.close();
      }
    },
    { scope: 'worker' },
  ],
});

export { expect };
