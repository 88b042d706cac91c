// Checks a HAR document against the HAR 1.2 JSON schemas (har-schema, the
// schemas behind har-validator) with ajv, plus what a schema cannot say: the
// URLs are absolute and an entry's time is the sum of its timings.
import type { AnySchema, AnySchemaObject, ErrorObject } from 'ajv';
import { createRequire } from 'node:module';

// Required, not imported: the same module objects under vitest's ESM and Playwright's CommonJS transform.
const require = createRequire(import.meta.url);
const { Ajv } = require('ajv') as typeof import('ajv');
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const schemas = require('har-schema') as Record<string, AnySchema>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject;

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema(draft06);
addFormats(ajv);
// har-schema writes JSON Schema's "minimum" as "min" (timings >= -1): check what it means.
ajv.addKeyword({ keyword: 'min', type: 'number', schemaType: 'number', validate: (min: number, value: number) => value >= min });
for (const schema of Object.values(schemas)) ajv.addSchema(schema);
const validate = ajv.getSchema('har.json#');
if (!validate) throw new Error('har-schema has no har.json');

type Json = Record<string, unknown>;

const describe = (e: ErrorObject): string => `${e.instancePath || '/'} ${e.message ?? e.keyword}`;

/** Everything wrong with `har` as an HTTP Archive 1.2, or [] when nothing is. */
export function harProblems(har: unknown): string[] {
  const problems = validate?.(har) ? [] : (validate?.errors ?? []).map(describe);
  const entries = ((har as { log?: { entries?: unknown } }).log?.entries ?? []) as Json[];
  if (!Array.isArray(entries)) return problems;
  entries.forEach((entry, i) => {
    const url = (entry.request as Json | undefined)?.url;
    if (typeof url !== 'string' || !URL.canParse(url)) problems.push(`/log/entries/${i}/request/url is not an absolute URL`);
    const timings = (entry.timings ?? {}) as Record<string, number>;
    const sum = ['send', 'wait', 'receive'].reduce((s, k) => s + Math.max(0, timings[k] ?? 0), 0);
    if (typeof entry.time === 'number' && Math.abs(sum - entry.time) >= 0.01) problems.push(`/log/entries/${i}/time is not the sum of its timings`);
  });
  return problems;
}
