import type { LiveRegistry, ResolvedServer } from '../registry/registry.js';
import type { AuditDetail, AuditEvent, AuditSource } from './audit.js';
import { diffServers } from './audit-servers.js';
import type { WriteOp } from './rows.js';

export interface AuditLogOptions {
  /** The batching writer: an entry waits for the next flush like any recorded message, so the proxy never waits for it. */
  sink: { enqueue(op: WriteOp): void };
  /** Watched for server changes, whoever makes them. */
  registry?: Pick<LiveRegistry, 'list' | 'onChange'>;
  now?: () => number;
}

export interface AuditFields {
  subject?: string | null;
  detail?: AuditDetail;
  source: AuditSource;
}

/** The gateway's side of the audit log: queues entries, and records server changes as the live registry sees them. */
export class AuditLog {
  private servers: Map<string, ResolvedServer>;
  /** Servers the API is changing right now, with how many of its calls are at it: their changes are the API's. */
  private readonly viaApi = new Map<string, number>();
  private readonly unwatch: () => void;

  constructor(private readonly options: AuditLogOptions) {
    this.servers = snapshot(options.registry?.list() ?? []);
    this.unwatch = options.registry?.onChange(({ servers }) => this.noteServers(servers)) ?? (() => undefined);
  }

  record(event: AuditEvent, fields: AuditFields): void {
    this.options.sink.enqueue({
      op: 'audit',
      entry: { timestamp: (this.options.now ?? Date.now)(), event, subject: fields.subject ?? null, detail: fields.detail ?? {}, source: fields.source },
    });
  }

  /**
   * Runs an API call that writes mcp.json (and reloads the registry). The
   * registry's poll may notice the new file before the call's own reload does,
   * so the claim covers the whole call rather than the reload alone.
   */
  async apiChange<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.viaApi.set(name, (this.viaApi.get(name) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.viaApi.get(name) ?? 1) - 1;
      if (left > 0) this.viaApi.set(name, left);
      else this.viaApi.delete(name);
    }
  }

  close(): void {
    this.unwatch();
  }

  private noteServers(list: ResolvedServer[]): void {
    const next = snapshot(list);
    for (const change of diffServers(this.servers, next)) {
      this.record(change.event, { subject: change.name, detail: change.detail, source: this.viaApi.has(change.name) ? 'api' : 'gateway' });
    }
    this.servers = next;
  }
}

function snapshot(list: ResolvedServer[]): Map<string, ResolvedServer> {
  return new Map(list.map((server) => [server.name, server]));
}
