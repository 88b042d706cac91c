import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayHealthSchema } from '../api/response-schemas.js';
import { startTestGateway } from '../test-support/gateway.js';
import type { GatewayHealth } from '../types.js';
import { ProcessMonitor } from './monitor.js';

describe('the process section of /api/health', () => {
  it('reports memory, event-loop delay, descriptors and children of the gateway process', async () => {
    const gateway = await startTestGateway({});
    try {
      const response = await gateway.api('/health');
      const body = (await response.json()) as GatewayHealth;
      expect(gatewayHealthSchema.parse(body)).toEqual(body);
      const own = body.process!;
      // The gateway runs in this process here: its figures are this process's.
      expect(own.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(own.heapUsedBytes).toBeGreaterThan(1024 * 1024);
      expect(own.heapUsedBytes).toBeLessThan(own.rssBytes);
      expect(own.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
      const fds = readdirSync('/proc/self/fd').length - 1;
      expect(own.openFds).toBeGreaterThan(3);
      // Threads of this process (the writer, the analyzer) open and close files meanwhile.
      expect(Math.abs((own.openFds ?? 0) - fds)).toBeLessThanOrEqual(20);
      expect(own.children).toBe(0);
    } finally {
      await gateway.stop();
    }
  });

  it('sees a blocked event loop in the window that held it, and forgets it in the next', async () => {
    const monitor = new ProcessMonitor({ children: () => 3, windowMs: 2000 });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      // Four blocks of 150 ms in the first 2 s window: more than 1% of its samples, so in its p99.
      for (let i = 0; i < 4; i++) {
        await sleep(50);
        const until = performance.now() + 150;
        while (performance.now() < until);
      }
      await sleep(2300 - 4 * 200);
      const blocked = monitor.snapshot();
      expect(blocked.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(120);
      expect(blocked.children).toBe(3);
      // The next window had nothing of the kind (a loaded machine's own delays are far shorter).
      await sleep(2000);
      expect(monitor.snapshot().eventLoopDelayP99Ms).toBeLessThan(blocked.eventLoopDelayP99Ms / 2);
    } finally {
      monitor.close();
    }
  });
});
