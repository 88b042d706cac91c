// Checks params typed in the editor before they are sent: a tool's arguments
// against its recorded inputSchema (validated by @cfworker/json-schema, which
// needs no eval and so runs under the UI's CSP), a prompt's arguments against
// its recorded argument list. Each problem names the JSON path of the field
// (`$.arguments.steps`) and says what is wrong in words.
import { Validator, type OutputUnit, type Schema, type SchemaDraft } from '@cfworker/json-schema';
import { findPrompt, findTool, type JsonSchema, type ServerCatalog } from './catalog.js';
import { formatPath, type Segment } from './json-path.js';

export interface FieldProblem {
  /** JSON path of the field in params, `$.arguments.steps`. */
  path: string;
  message: string;
}

export interface ParamsCheck {
  problems: FieldProblem[];
  /** What could not be checked, and why (no recorded schema). */
  notes: string[];
  /** What the params were checked against, in words (`the recorded inputSchema of "echo"`), or null. */
  checked: string | null;
}

/** Keywords whose failure only says "something beneath failed": the failures beneath say what. */
const WRAPPERS = new Set([
  'properties',
  'patternProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'dependentSchemas',
  'dependencies',
  '$ref',
  '$recursiveRef',
  'allOf',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `#/a%20b/c~1d` → ['a b', 'c/d'] (a JSON pointer in a URI fragment). */
function pointerSegments(pointer: string): string[] {
  const body = pointer.replace(/^#/, '');
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((part) => {
      let text = part;
      try {
        text = decodeURIComponent(part);
      } catch {
        // not URI-encoded
      }
      return text.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function at(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The instance pointer's segments, with array indices as numbers (so the path reads `[0]`). */
function instanceSegments(root: unknown, pointer: string): Segment[] {
  const segments: Segment[] = [];
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    const isIndex = Array.isArray(node) && /^\d+$/.test(segment);
    segments.push(isIndex ? Number(segment) : segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return segments;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

const article = (type: string): string => (type === 'null' ? 'null' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const orList = (values: readonly unknown[]): string => values.map(show).join(', ');

function draftOf(schema: JsonSchema): SchemaDraft {
  const declared = typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('draft-04')) return '4';
  if (declared.includes('draft-06') || declared.includes('draft-07')) return '7';
  if (declared.includes('2019-09')) return '2019-09';
  // MCP's default dialect for tool schemas.
  return '2020-12';
}

/** What a failed keyword means, from the schema's own value for it. */
function explain(unit: OutputUnit, keywordValue: unknown, instance: unknown): string {
  switch (unit.keyword) {
    case 'type': {
      const expected = Array.isArray(keywordValue) ? (keywordValue as string[]) : [String(keywordValue)];
      return `must be ${expected.map(article).join(' or ')} (is ${typeName(instance)})`;
    }
    case 'enum':
      return Array.isArray(keywordValue) ? `must be one of ${orList(keywordValue)}` : unit.error;
    case 'const':
      return `must be ${show(keywordValue)}`;
    case 'minimum':
      return `must be at least ${show(keywordValue)} (is ${show(instance)})`;
    case 'maximum':
      return `must be at most ${show(keywordValue)} (is ${show(instance)})`;
    case 'exclusiveMinimum':
      return typeof keywordValue === 'number' ? `must be more than ${keywordValue} (is ${show(instance)})` : unit.error;
    case 'exclusiveMaximum':
      return typeof keywordValue === 'number' ? `must be less than ${keywordValue} (is ${show(instance)})` : unit.error;
    case 'multipleOf':
      return `must be a multiple of ${show(keywordValue)}`;
    case 'minLength':
      return `must be at least ${show(keywordValue)} characters long`;
    case 'maxLength':
      return `must be at most ${show(keywordValue)} characters long`;
    case 'minItems':
      return `must have at least ${show(keywordValue)} items`;
    case 'maxItems':
      return `must have at most ${show(keywordValue)} items`;
    case 'uniqueItems':
      return 'must not hold the same item twice';
    case 'minProperties':
      return `must have at least ${show(keywordValue)} fields`;
    case 'maxProperties':
      return `must have at most ${show(keywordValue)} fields`;
    case 'pattern':
      return `must match the pattern /${String(keywordValue)}/`;
    case 'format':
      return `must be a valid ${String(keywordValue)}`;
    case 'anyOf':
      return 'matches none of the forms this field allows';
    case 'oneOf':
      return 'must match exactly one of the forms this field allows';
    case 'not':
      return 'has a form this field does not allow';
    case 'contains':
      return 'must contain an item of the allowed form';
    default:
      return unit.error;
  }
}

/** Problems of `value` against `schema`, with paths under `base` (the place of `value` in params). */
export function checkAgainstSchema(value: unknown, schema: JsonSchema, base: readonly Segment[] = []): FieldProblem[] {
  let units: OutputUnit[];
  try {
    units = new Validator(schema as Schema | boolean, draftOf(schema), false).validate(value).errors;
  } catch (error) {
    return [{ path: formatPath(base), message: `the recorded schema could not be read (${(error as Error).message})` }];
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const add = (segments: readonly Segment[], message: string): void => {
    const path = formatPath([...base, ...segments]);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ path, message });
  };
  // Failures inside an anyOf/oneOf branch, or beneath additionalProperties: false, are said once by the outer one.
  const covered: string[] = [];
  const closedObjects = new Set<string>();
  for (const unit of units) {
    if (unit.keyword === 'anyOf' || unit.keyword === 'oneOf') covered.push(`${unit.keywordLocation}/`);
  }
  for (const unit of units) {
    if (covered.some((prefix) => unit.keywordLocation.startsWith(prefix))) continue;
    if (WRAPPERS.has(unit.keyword)) continue;
    const segments = instanceSegments(value, unit.instanceLocation);
    const instance = at(value, pointerSegments(unit.instanceLocation));
    const keywordValue = at(schema, pointerSegments(unit.keywordLocation));
    if (unit.keyword === 'required') {
      const required = Array.isArray(keywordValue) ? (keywordValue as unknown[]) : [];
      const present = instance !== null && typeof instance === 'object' ? (instance as Record<string, unknown>) : {};
      for (const name of required) if (typeof name === 'string' && !(name in present)) add([...segments, name], 'is required');
      continue;
    }
    if (unit.keyword === 'additionalProperties') {
      if (keywordValue !== false) continue;
      const objectSchema = at(schema, pointerSegments(unit.keywordLocation).slice(0, -1)) as { properties?: Record<string, unknown>; patternProperties?: Record<string, unknown> };
      const known = Object.keys(objectSchema?.properties ?? {});
      const patterns = Object.keys(objectSchema?.patternProperties ?? {}).map((p) => new RegExp(p, 'u'));
      const fields = instance !== null && typeof instance === 'object' ? Object.keys(instance) : [];
      for (const field of fields) {
        if (known.includes(field) || patterns.some((p) => p.test(field))) continue;
        add([...segments, field], known.length ? `is not a field here (the fields are ${known.join(', ')})` : 'is not a field here (none are allowed)');
      }
      closedObjects.add(unit.instanceLocation);
      continue;
    }
    if (unit.keyword === 'false') {
      const parent = unit.instanceLocation.slice(0, unit.instanceLocation.lastIndexOf('/')) || '#';
      if (closedObjects.has(parent) || units.some((u) => u.keyword === 'additionalProperties' && u.instanceLocation === parent)) continue;
      add(segments, 'is not allowed here');
      continue;
    }
    add(segments, explain(unit, keywordValue, instance));
  }
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks the params of a request to send: their shape for the method, and
 * for tools/call and prompts/get the arguments against what the server's
 * recorded list answers declare.
 */
export function checkParams(method: string, params: unknown, catalog: ServerCatalog | undefined): ParamsCheck {
  const problems: FieldProblem[] = [];
  const notes: string[] = [];
  let checked: string | null = null;
  if (params === undefined) return { problems, notes, checked };
  if (!isObject(params)) return { problems: [{ path: '$', message: `params must be a JSON object (is ${typeName(params)})` }], notes, checked };
  if (method === 'tools/call' || method === 'prompts/get') {
    if (typeof params.name !== 'string') problems.push({ path: '$.name', message: `must be a string: the name of the ${method === 'tools/call' ? 'tool' : 'prompt'}` });
    if (params.arguments !== undefined && !isObject(params.arguments)) {
      problems.push({ path: '$.arguments', message: `must be an object (is ${typeName(params.arguments)})` });
      return { problems, notes, checked };
    }
  }
  if (method === 'tools/call' && typeof params.name === 'string') {
    const tool = findTool(catalog, params.name);
    if (!tool) notes.push(`No recorded tools/list names a tool "${params.name}", so its arguments are not checked.`);
    else if (tool.inputSchema === undefined) notes.push(`The recorded tool "${tool.name}" has no inputSchema, so its arguments are not checked.`);
    else {
      problems.push(...checkAgainstSchema((params.arguments ?? {}) as Json, tool.inputSchema, ['arguments']));
      checked = `the recorded inputSchema of "${tool.name}"`;
    }
  }
  if (method === 'prompts/get' && typeof params.name === 'string') {
    const prompt = findPrompt(catalog, params.name);
    const given = isObject(params.arguments) ? params.arguments : {};
    if (!prompt) {
      notes.push(`No recorded prompts/list names a prompt "${params.name}", so its arguments are not checked.`);
    } else {
      checked = `the recorded argument list of "${prompt.name}"`;
      const declared = prompt.arguments ?? [];
      for (const argument of declared) {
        if (argument.required && !(argument.name in given)) problems.push({ path: formatPath(['arguments', argument.name]), message: 'is required' });
      }
      for (const [name, value] of Object.entries(given)) {
        const path = formatPath(['arguments', name]);
        if (!declared.some((argument) => argument.name === name)) {
          problems.push({ path, message: declared.length ? `is not an argument of this prompt (it takes ${declared.map((a) => a.name).join(', ')})` : 'is not an argument of this prompt (it takes none)' });
        } else if (typeof value !== 'string') {
          problems.push({ path, message: `must be a string: prompt arguments are text (is ${typeName(value)})` });
        }
      }
    }
  }
  if ((method === 'resources/read' || method === 'resources/subscribe') && typeof params.uri !== 'string') {
    problems.push({ path: '$.uri', message: 'must be a string: the URI of the resource' });
  }
  return { problems, notes, checked };
}
