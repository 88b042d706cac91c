import { objectAt, objectOf } from './recorded.js';

/** What a server offered, from its newest recorded list answers: the composer's menu, and where read-only-ness is judged. */
export interface Catalog {
  tools: Array<Record<string, unknown>>;
  prompts: Array<Record<string, unknown>>;
  resources: Array<Record<string, unknown>>;
  resourceTemplates: Array<Record<string, unknown>>;
}

/** Newest answers of a list method, parsed (RecordedStore.listAnswers, RecordedExport.listAnswers). */
export type ListAnswers = (method: string) => unknown[];

const LISTS: Array<[keyof Catalog, string, string, string]> = [
  ['tools', 'tools/list', 'tools', 'name'],
  ['prompts', 'prompts/list', 'prompts', 'name'],
  ['resources', 'resources/list', 'resources', 'uri'],
  ['resourceTemplates', 'resources/templates/list', 'resourceTemplates', 'uriTemplate'],
];

/** Entries of every page seen, newest definition of each name first (pages of one list come from several answers). */
export function catalogOf(listAnswers: ListAnswers): Catalog {
  const catalog: Catalog = { tools: [], prompts: [], resources: [], resourceTemplates: [] };
  for (const [slot, method, field, key] of LISTS) {
    const seen = new Set<string>();
    for (const answer of listAnswers(method)) {
      const entries = objectAt(answer, 'result')?.[field];
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        const item = objectOf(entry);
        const name = item?.[key];
        if (!item || typeof name !== 'string' || seen.has(name)) continue;
        seen.add(name);
        catalog[slot].push(item);
      }
    }
  }
  return catalog;
}

export interface ToolSafety {
  /** The tool was in a recorded tools/list. */
  known: boolean;
  readOnly: boolean;
  annotations: Record<string, unknown> | null;
}

/** Read-only only when the newest recorded definition of the tool says `readOnlyHint: true` (the spec's default is false). */
export function toolSafety(listAnswers: ListAnswers, tool: string): ToolSafety {
  for (const answer of listAnswers('tools/list')) {
    const tools = objectAt(answer, 'result')?.tools;
    if (!Array.isArray(tools)) continue;
    for (const entry of tools) {
      const item = objectOf(entry);
      if (item?.name !== tool) continue;
      const annotations = objectOf(item.annotations);
      return { known: true, readOnly: annotations?.readOnlyHint === true, annotations };
    }
  }
  return { known: false, readOnly: false, annotations: null };
}
