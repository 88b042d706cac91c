// Canonical definitions: what a server announced, in a form where two
// announcements are equal exactly when they say the same thing. Keys are
// sorted (RFC 8785 JSON canonicalization), fields the spec gives defaults are
// filled in (so spelling out `readOnlyHint: false` is no change), and values
// that change by themselves (a resource's size or lastModified, the protocol
// version each client negotiates) are left out.
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { DefinitionEntry, DefinitionKind } from '../types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The spec's defaults for ToolAnnotations (schema 2025-11-25). */
export const TOOL_ANNOTATION_DEFAULTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

/** Which result field holds each list's entries, and which method answers with it. */
export const LIST_METHODS: Record<string, { kind: Exclude<DefinitionKind, 'initialize'>; field: string }> = {
  'tools/list': { kind: 'tools', field: 'tools' },
  'prompts/list': { kind: 'prompts', field: 'prompts' },
  'resources/list': { kind: 'resources', field: 'resources' },
  'resources/templates/list': { kind: 'resourceTemplates', field: 'resourceTemplates' },
};

export const KIND_FIELD: Record<DefinitionKind, string> = {
  initialize: 'result',
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resourceTemplates',
};

export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Copies the named fields that are present (undefined dropped, as JSON would). */
function pick(source: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) if (source[field] !== undefined) out[field] = source[field] as Json;
  return out;
}

function toolAnnotations(value: Json | undefined): JsonObject {
  const given = isObject(value) ? value : {};
  return { ...TOOL_ANNOTATION_DEFAULTS, ...given };
}

function promptArguments(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return value.map((argument) => (isObject(argument) ? { required: false, ...argument } : argument));
}

/** Resource annotations without `lastModified`, which changes whenever the resource does. */
function resourceAnnotations(value: Json | undefined): Json | undefined {
  if (!isObject(value)) return value;
  const { lastModified: _, ...rest } = value;
  return rest;
}

const TOOL_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'icons', '_meta', 'execution'] as const;
const PROMPT_FIELDS = ['name', 'title', 'description', 'icons', '_meta'] as const;
const RESOURCE_FIELDS = ['uri', 'name', 'title', 'description', 'mimeType', 'icons', '_meta'] as const;
const TEMPLATE_FIELDS = ['uriTemplate', 'name', 'title', 'description', 'mimeType', 'icons', '_meta'] as const;

/** One entry of a list in canonical form, or null when it is not an object. */
export function canonicalEntry(kind: DefinitionKind, raw: unknown): DefinitionEntry | null {
  if (!isObject(raw)) return null;
  let definition: JsonObject;
  let key: Json | undefined;
  switch (kind) {
    case 'tools':
      definition = { ...pick(raw, TOOL_FIELDS), annotations: toolAnnotations(raw.annotations) };
      key = raw.name;
      break;
    case 'prompts': {
      definition = pick(raw, PROMPT_FIELDS);
      const args = promptArguments(raw.arguments);
      if (args !== undefined) definition.arguments = args;
      key = raw.name;
      break;
    }
    case 'resources':
    case 'resourceTemplates': {
      definition = pick(raw, kind === 'resources' ? RESOURCE_FIELDS : TEMPLATE_FIELDS);
      const annotations = resourceAnnotations(raw.annotations);
      if (annotations !== undefined) definition.annotations = annotations;
      key = kind === 'resources' ? raw.uri : raw.uriTemplate;
      break;
    }
    case 'initialize': {
      // protocolVersion is left out: it is what each client negotiated, not what the server is.
      definition = pick(raw, ['serverInfo', 'capabilities', 'instructions', '_meta']);
      key = 'server';
      break;
    }
  }
  const text = canonicalJson(definition);
  return { key: typeof key === 'string' ? key : canonicalJson(key ?? null), hash: sha256(text), definition };
}

/** The hash of an entry without its name: equal for a definition that reappears under another name. */
export function bodyHash(entry: DefinitionEntry): string {
  const { name: _name, title: _title, uri: _uri, uriTemplate: _template, ...body } = entry.definition;
  return sha256(canonicalJson(body));
}

/** A whole list: entries in key order, and the hash of their hashes. */
export interface CanonicalList {
  kind: DefinitionKind;
  entries: DefinitionEntry[];
  hash: string;
}

export function canonicalList(kind: DefinitionKind, entries: DefinitionEntry[]): CanonicalList {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.hash < b.hash ? -1 : 1));
  return { kind, entries: sorted, hash: sha256(canonicalJson({ kind, entries: sorted.map((e) => [e.key, e.hash]) })) };
}
