/** Default size of one tool result, in bytes of JSON: enough for a few messages, small for an agent's context. */
export const DEFAULT_MAX_BYTES = 20 * 1024;

/** A body as the MCP tools show it: whole, or cut with what was left out. */
export interface BudgetedBody {
  text: string;
  /** Its full size in bytes (UTF-8). */
  size: number;
  /** Shown in part; `get_message` with a larger `maxBytes` shows more. */
  cut: boolean;
}

const utf8 = (text: string): number => Buffer.byteLength(text);

/** The first `bytes` bytes of a string, never splitting a character. */
function head(text: string, bytes: number): string {
  if (utf8(text) <= bytes) return text;
  return Buffer.from(text).subarray(0, Math.max(0, bytes)).toString('utf8').replace(/\uFFFD$/, '');
}

/**
 * Shares a budget between bodies, water-filling: small bodies stay whole, the
 * large ones share what is left equally. `overhead` is what the rest of the
 * result takes. Every cut body says so and keeps its full size.
 */
export function fitBodies(bodies: readonly string[], maxBytes: number, overhead: number): BudgetedBody[] {
  const sizes = bodies.map(utf8);
  let left = Math.max(0, maxBytes - overhead);
  const allowance = new Array<number>(bodies.length).fill(0);
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size);
  let remaining = order.length;
  for (const { size, index } of order) {
    const share = Math.floor(left / remaining);
    allowance[index] = Math.min(size, share);
    left -= allowance[index] as number;
    remaining -= 1;
  }
  return bodies.map((text, index) => {
    const size = sizes[index] as number;
    const cut = size > (allowance[index] as number);
    return { text: cut ? head(text, allowance[index] as number) : text, size, cut };
  });
}

/** The text shown for a cut body: what there is, and a marker that says how much was left out and how to get it. */
export function cutMarker(body: BudgetedBody): string {
  if (!body.cut) return body.text;
  return `${body.text}…[cut by mcp-gateway: ${utf8(body.text)} of ${body.size} bytes shown; call get_message with a larger maxBytes for more]`;
}
