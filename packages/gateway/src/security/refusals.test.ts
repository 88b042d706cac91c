import { describe, expect, it } from 'vitest';
import { RefusalCounter, refusalLine } from './refusals.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('refusal counting', () => {
  it('reports the first refusal at once, then once per window with the count, per kind and reason; close reports what is pending', async () => {
    const reports: string[] = [];
    const counter = new RefusalCounter({ windowMs: 100, report: (kind, reason, count, repeated) => reports.push(`${kind} ${reason} ${count}${repeated ? '+' : ''}`) });
    for (let i = 0; i < 5; i++) counter.note('token.refused', 'wrong token');
    counter.note('token.refused', 'no token');
    counter.note('request.refused', 'host');
    expect(reports).toEqual(['token.refused wrong token 1', 'token.refused no token 1', 'request.refused host 1']);
    await sleep(150);
    // 4 more wrong tokens came in the window; the other two were quiet and closed.
    expect(reports.slice(3)).toEqual(['token.refused wrong token 4+']);
    await sleep(150);
    expect(reports).toHaveLength(4);
    counter.note('request.refused', 'host');
    counter.note('request.refused', 'host');
    counter.close();
    expect(reports.slice(4)).toEqual(['request.refused host 1', 'request.refused host 1+']);
  });

  it('says what was refused in the log, never the header value', () => {
    expect(refusalLine('token.refused', 'wrong token', 1, false)).toBe('refused an API request: wrong token');
    expect(refusalLine('request.refused', 'origin', 7, true)).toBe("refused a request: its Origin is not this gateway's (7 more since the last report)");
  });
});
