// The poisoning scan: finds the texts of a message that an agent reads (each
// with its JSON path in the message), and runs every rule that applies there.
import { isObject, type Json, type JsonObject } from '../definitions/canonical.js';
import type { DefinitionKind } from '../types.js';
import { POISONING_RULES, type FieldScope, type PoisoningRule, type ScanContext, type ScanField } from './rules.js';

export interface Finding {
  rule: PoisoningRule;
  /** JSON path of the field in its message. */
  path: string;
  /** The whole field, for the dedup key. */
  field: string;
  match: { text: string; start: number; end: number };
  decoded: string | null;
}

export interface LocatedField extends ScanField {
  path: string;
}

/** At most this many strings are taken from one structuredContent, and this deep. */
const MAX_STRUCTURED_STRINGS = 500;
const MAX_DEPTH = 12;

/** `$.result.tools[2]["my-key"]`: dotted where the key is an identifier, bracketed where not. */
export function jsonPath(base: string, ...steps: Array<string | number>): string {
  let path = base;
  for (const step of steps) path += typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  return path;
}

function text(out: LocatedField[], value: Json | undefined, path: string, scope: FieldScope, parameter?: string): void {
  if (typeof value === 'string' && value !== '') out.push({ text: value, path, scope, ...(parameter === undefined ? {} : { parameter }) });
}

/** Every description and title inside a JSON Schema; a property's description is also a `parameter` field. */
function schemaTexts(out: LocatedField[], schema: Json | undefined, path: string, depth = 0, parameter?: string): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(schema)) {
    schema.forEach((item, i) => schemaTexts(out, item, jsonPath(path, i), depth + 1, parameter));
    return;
  }
  if (!isObject(schema)) return;
  text(out, schema.title, jsonPath(path, 'title'), 'definition');
  if (typeof schema.description === 'string') text(out, schema.description, jsonPath(path, 'description'), parameter === undefined ? 'definition' : 'parameter', parameter);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      for (const [name, property] of Object.entries(value)) schemaTexts(out, property, jsonPath(path, key, name), depth + 1, name);
    } else if (key !== 'title' && key !== 'description' && key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples' && (isObject(value) || Array.isArray(value))) {
      schemaTexts(out, value, jsonPath(path, key), depth + 1, parameter);
    }
  }
}

/** The texts of one list entry at `path` (`$.result.tools[3]`). */
export function definitionFields(kind: DefinitionKind, raw: Json, path: string): LocatedField[] {
  const out: LocatedField[] = [];
  if (!isObject(raw)) return out;
  text(out, raw.name, jsonPath(path, 'name'), 'definition');
  text(out, raw.title, jsonPath(path, 'title'), 'definition');
  text(out, raw.description, jsonPath(path, 'description'), 'definition');
  if (kind === 'tools') {
    if (isObject(raw.annotations)) text(out, raw.annotations.title, jsonPath(path, 'annotations', 'title'), 'definition');
    schemaTexts(out, raw.inputSchema, jsonPath(path, 'inputSchema'));
    schemaTexts(out, raw.outputSchema, jsonPath(path, 'outputSchema'));
  } else if (kind === 'prompts' && Array.isArray(raw.arguments)) {
    raw.arguments.forEach((argument, i) => {
      if (!isObject(argument)) return;
      const at = jsonPath(path, 'arguments', i);
      text(out, argument.title, jsonPath(at, 'title'), 'definition');
      text(out, argument.description, jsonPath(at, 'description'), 'parameter', typeof argument.name === 'string' ? argument.name : undefined);
    });
  } else if (kind === 'initialize') {
    text(out, raw.instructions, jsonPath(path, 'instructions'), 'definition');
    if (isObject(raw.serverInfo)) {
      for (const field of ['name', 'title', 'description'] as const) text(out, raw.serverInfo[field], jsonPath(path, 'serverInfo', field), 'definition');
    }
  }
  return out;
}

function contentTexts(out: LocatedField[], content: Json | undefined, path: string): void {
  const blocks = Array.isArray(content) ? content.map((block, i) => [block, jsonPath(path, i)] as const) : [[content, path] as const];
  for (const [block, at] of blocks) {
    if (!isObject(block)) continue;
    text(out, block.text, jsonPath(at, 'text'), 'result');
    if (isObject(block.resource)) text(out, block.resource.text, jsonPath(at, 'resource', 'text'), 'result');
  }
}

function structuredTexts(out: LocatedField[], value: Json | undefined, path: string, budget: { left: number }, depth = 0): void {
  if (budget.left <= 0 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    budget.left--;
    text(out, value, path, 'result');
  } else if (Array.isArray(value)) value.forEach((item, i) => structuredTexts(out, item, jsonPath(path, i), budget, depth + 1));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) structuredTexts(out, item, jsonPath(path, key), budget, depth + 1);
}

/** The texts of a tool result, a prompt or a resource read (binary blobs and images are not text). */
export function resultFields(method: string, result: JsonObject): LocatedField[] {
  const out: LocatedField[] = [];
  if (method === 'tools/call') {
    contentTexts(out, result.content, '$.result.content');
    structuredTexts(out, result.structuredContent, '$.result.structuredContent', { left: MAX_STRUCTURED_STRINGS });
  } else if (method === 'prompts/get') {
    text(out, result.description, '$.result.description', 'result');
    if (Array.isArray(result.messages)) result.messages.forEach((m, i) => isObject(m) && contentTexts(out, m.content, jsonPath('$.result.messages', i, 'content')));
  } else if (method === 'resources/read' && Array.isArray(result.contents)) {
    result.contents.forEach((c, i) => isObject(c) && text(out, c.text, jsonPath('$.result.contents', i, 'text'), 'result'));
  }
  return out;
}

/** Runs every rule that applies to each field. */
export function scanFields(fields: readonly LocatedField[], context: ScanContext, rules: readonly PoisoningRule[] = POISONING_RULES): Finding[] {
  const findings: Finding[] = [];
  for (const field of fields) {
    for (const rule of rules) {
      const applies = rule.scopes.includes(field.scope) || (field.scope === 'parameter' && rule.scopes.includes('definition'));
      if (!applies || rule.quick?.test(field.text) === false) continue;
      for (const match of rule.find(field, context)) {
        findings.push({
          rule,
          path: field.path,
          field: field.text,
          match: { text: field.text.slice(match.start, match.end), start: match.start, end: match.end },
          decoded: match.decoded ?? null,
        });
      }
    }
  }
  return findings;
}
