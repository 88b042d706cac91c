// The params a composed request starts from: for a tool, the required fields
// of its inputSchema with a placeholder of the right type (its default, its
// first enum value, its minimum...); for a prompt, its required arguments;
// for a resource, its URI. The user fills in the rest in the editor.
import type { CatalogPrompt, CatalogResource, CatalogTemplate, CatalogTool, JsonSchema } from './catalog.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [key: string]: unknown };

const MAX_DEPTH = 8;

const asObject = (schema: unknown): SchemaObject | null =>
  schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? (schema as SchemaObject) : null;

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`) resolved against the root schema. */
function resolve(schema: SchemaObject, root: SchemaObject): SchemaObject {
  const ref = schema.$ref;
  if (ref === '#') return root;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    node = asObject(node)?.[key];
  }
  return asObject(node) ?? schema;
}

function firstType(schema: SchemaObject): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (asObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

/** A value of the schema's shape: what the editor opens with. */
export function skeleton(input: JsonSchema | undefined, root: JsonSchema | undefined = input, depth = 0): Json {
  const rootObject = asObject(root) ?? {};
  const raw = asObject(input);
  if (!raw || depth > MAX_DEPTH) return null;
  const schema = resolve(raw, rootObject);
  if ('default' in schema) return schema.default as Json;
  if ('const' in schema) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] as Json;
  const branch = (Array.isArray(schema.anyOf) && schema.anyOf[0]) || (Array.isArray(schema.oneOf) && schema.oneOf[0]);
  if (branch && !schema.type) return skeleton(branch as JsonSchema, root, depth + 1);
  if (Array.isArray(schema.allOf) && !schema.type && !schema.properties) {
    const merged: { [key: string]: Json } = {};
    for (const part of schema.allOf) {
      const value = skeleton(part as JsonSchema, root, depth + 1);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(merged, value);
    }
    return merged;
  }
  switch (firstType(schema)) {
    case 'object': {
      const properties = asObject(schema.properties) ?? {};
      const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
      const value: { [key: string]: Json } = {};
      for (const name of required) value[name] = skeleton(properties[name] as JsonSchema | undefined, root, depth + 1) ?? '';
      return value;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = Array.isArray(schema.prefixItems) ? schema.prefixItems : null;
      if (items) return items.map((item) => skeleton(item as JsonSchema, root, depth + 1));
      return Array.from({ length: Math.min(min, 5) }, () => skeleton(schema.items as JsonSchema | undefined, root, depth + 1));
    }
    case 'string':
      return '';
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number') return firstType(schema) === 'integer' ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
      if (typeof schema.maximum === 'number' && schema.maximum < 0) return schema.maximum;
      return 0;
    }
    case 'boolean':
      return false;
    default:
      return null;
  }
}

export interface OptionalField {
  name: string;
  /** `string`, `integer | null`, `one of "a", "b"`. */
  type: string;
  description?: string;
}

/** The top-level fields of an object schema the skeleton leaves out, for a hint under the editor. */
export function optionalFields(input: JsonSchema | undefined): OptionalField[] {
  const schema = asObject(input);
  if (!schema) return [];
  const properties = asObject(resolve(schema, schema).properties) ?? {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties)
    .filter(([name]) => !required.has(name))
    .map(([name, raw]) => {
      const property = resolve(asObject(raw) ?? {}, schema);
      const type = Array.isArray(property.enum)
        ? `one of ${property.enum.map((v) => JSON.stringify(v)).join(', ')}`
        : Array.isArray(property.type)
          ? property.type.join(' | ')
          : (firstType(property) ?? 'any');
      return typeof property.description === 'string' ? { name, type, description: property.description } : { name, type };
    });
}

export type CatalogEntry =
  | { kind: 'tool'; entry: CatalogTool }
  | { kind: 'prompt'; entry: CatalogPrompt }
  | { kind: 'resource'; entry: CatalogResource }
  | { kind: 'template'; entry: CatalogTemplate };

/** The method a catalog entry is used with. */
export function methodOf(item: CatalogEntry): string {
  switch (item.kind) {
    case 'tool':
      return 'tools/call';
    case 'prompt':
      return 'prompts/get';
    case 'resource':
    case 'template':
      return 'resources/read';
  }
}

/** The params a composed request starts from. */
export function startingParams(item: CatalogEntry): { [key: string]: Json } {
  switch (item.kind) {
    case 'tool':
      return { name: item.entry.name, arguments: skeleton(item.entry.inputSchema ?? { type: 'object' }) ?? {} };
    case 'prompt': {
      const required = (item.entry.arguments ?? []).filter((argument) => argument.required);
      if (required.length === 0) return { name: item.entry.name };
      return { name: item.entry.name, arguments: Object.fromEntries(required.map((argument) => [argument.name, ''])) };
    }
    case 'resource':
      return { uri: item.entry.uri };
    case 'template':
      // The template as the URI: its {variables} are the part to type.
      return { uri: item.entry.uriTemplate };
  }
}
