// What a server offers, from its most recent recorded list answers
// (GET /api/servers/:name/catalog): the tools with their inputSchema and
// annotations, the prompts, the resources and the resource templates.
import { REPLAYABLE_METHODS } from '@mcp-gateway/gateway/replay-shared';

/** A JSON Schema as a tool publishes it; read, never trusted to be well formed. */
export type JsonSchema = { [key: string]: unknown } | boolean;

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

export interface CatalogTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: JsonSchema;
  annotations?: ToolAnnotations;
}

export interface PromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

export interface CatalogPrompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: PromptArgument[];
}

export interface CatalogResource {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface CatalogTemplate {
  uriTemplate: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ServerCatalog {
  tools: CatalogTool[];
  prompts: CatalogPrompt[];
  resources: CatalogResource[];
  resourceTemplates: CatalogTemplate[];
}

export const EMPTY_CATALOG: ServerCatalog = { tools: [], prompts: [], resources: [], resourceTemplates: [] };

/** Whether the gateway re-sends this method (POST /api/messages/:id/replay answers 400 not_replayable for the rest). */
export const isReplayable = (method: string | null): boolean => method !== null && REPLAYABLE_METHODS.has(method);

export function findTool(catalog: ServerCatalog | undefined, name: unknown): CatalogTool | undefined {
  return typeof name === 'string' ? catalog?.tools.find((tool) => tool.name === name) : undefined;
}

export function findPrompt(catalog: ServerCatalog | undefined, name: unknown): CatalogPrompt | undefined {
  return typeof name === 'string' ? catalog?.prompts.find((prompt) => prompt.name === name) : undefined;
}

/** The gateway asks before re-running a tool unless its recorded annotations say readOnlyHint: true. */
export const isReadOnly = (tool: CatalogTool | undefined): boolean => tool?.annotations?.readOnlyHint === true;

/** Annotations as `name: value` pairs for display, in a stable order (the hints first). */
export function annotationPairs(annotations: Record<string, unknown> | null | undefined): Array<[string, string]> {
  if (!annotations) return [];
  const order = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint', 'title'];
  const keys = Object.keys(annotations).sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib) || a.localeCompare(b);
  });
  return keys.map((key) => [key, typeof annotations[key] === 'string' ? (annotations[key] as string) : JSON.stringify(annotations[key])]);
}
