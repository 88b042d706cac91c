// The tool names (targets) of requests, so their answers can show them too.
// The list API carries no target on an answer, so a name is learnt from the
// request when it is seen, or read from the API when the request is not loaded.
import type { MessageDetail, MessagePage } from '@mcp-gateway/gateway/types';
import type { LiveRecord } from '../live/feed.js';
import { targetOf } from './row.js';

export type GetMessage = (id: number) => Promise<MessageDetail>;

export interface TargetNamesOptions {
  /** Reads one message whole; without it, names are only learnt from requests seen. */
  getMessage: GetMessage | null;
  /** A name read from the API. */
  learnt: (requestId: number, target: string) => void;
  /** A round of reads ended: names may still be wanted (the next screenful). */
  settled: () => void;
  disposed: () => boolean;
}

/** Reads in flight at once, so a screenful of names does not queue behind itself. */
const READERS = 4;
/** Requests read per round. */
const ROUND = 50;

export class TargetNames {
  private readonly known = new Map<number, string>();
  private readonly asked = new Set<number>();

  constructor(private readonly options: TargetNamesOptions) {}

  get(requestId: number): string | undefined {
    return this.known.get(requestId);
  }

  /** Learns the name a request carries. */
  note(record: LiveRecord | MessagePage['messages'][number]): void {
    if (record.kind !== 'request') return;
    const target = targetOf(record.method, record.body);
    if (target !== null) this.known.set(record.id, target);
  }

  /** The name a message carries: a noted request's own, or, for an answer, its request's; null when not known. */
  of(record: { id: number; kind: string; pairedId: number | null }): string | null {
    if (record.kind === 'request') return this.known.get(record.id) ?? null;
    return record.pairedId === null ? null : (this.known.get(record.pairedId) ?? null);
  }

  /** Reads the requests not yet known or asked for, a round at a time. */
  ask(requestIds: readonly number[]): void {
    const getMessage = this.options.getMessage;
    if (!getMessage) return;
    const wanted = requestIds.filter((id) => !this.asked.has(id) && !this.known.has(id)).slice(0, ROUND);
    for (const requestId of wanted) this.asked.add(requestId);
    const next = async (): Promise<void> => {
      for (let requestId = wanted.shift(); requestId !== undefined; requestId = wanted.shift()) {
        try {
          const detail = await getMessage(requestId);
          if (this.options.disposed()) return;
          const target = targetOf(detail.message.method, detail.message.body);
          if (target !== null) {
            this.known.set(requestId, target);
            this.options.learnt(requestId, target);
          }
        } catch {
          // gone (cleared): nothing to name
        }
      }
    };
    const readers = Array.from({ length: Math.min(READERS, wanted.length) }, () => next());
    if (readers.length) void Promise.all(readers).then(() => !this.options.disposed() && this.options.settled());
  }
}
