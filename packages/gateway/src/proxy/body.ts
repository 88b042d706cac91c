import { BodyCollector, type CollectedBody } from '../capture/body-collector.js';
import type { JsonRpcId } from '../types.js';

/** Reads a request body, up to `limit` bytes. */
export async function readBody(raw: Request, limit: number): Promise<Buffer | null | 'too-large'> {
  if (raw.method === 'GET' || raw.method === 'HEAD') return null;
  const declared = Number(raw.headers.get('content-length') ?? Number.NaN);
  if (Number.isInteger(declared)) {
    if (declared > limit) return 'too-large';
    // With a known length, one read: no web-stream iteration per chunk (the common case, and much cheaper).
    return declared === 0 ? null : Buffer.from(await raw.arrayBuffer());
  }
  if (!raw.body) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return 'too-large';
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** The recorder's copy of a buffered body. */
export function collect(buffer: Buffer, max: number): CollectedBody {
  const collector = new BodyCollector(max);
  collector.push(buffer);
  return collector.finish();
}

/** The ids of the requests in a body, so an error can answer each of them. */
export function requestIds(text: string): JsonRpcId[] {
  try {
    const value: unknown = JSON.parse(text);
    const items = Array.isArray(value) ? value : [value];
    const ids: JsonRpcId[] = [];
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      const { id, method } = item as { id?: unknown; method?: unknown };
      if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
    }
    return ids;
  } catch {
    return [];
  }
}

/** Whether a body holds an initialize request (alone or in a batch). */
export function isInitialize(body: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    const items = Array.isArray(value) ? value : [value];
    return items.some((m) => typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'initialize');
  } catch {
    return false;
  }
}
