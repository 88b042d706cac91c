import { describe, expect, it } from 'vitest';
import type { ServerCatalog } from './catalog.js';
import { checkAgainstSchema, checkParams } from './schema-check.js';

// As the TypeScript SDK publishes a zod schema (draft-07, additionalProperties: false).
const weather = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2, maxLength: 40 },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    units: { type: 'string', enum: ['metric', 'imperial'] },
    tags: { type: 'array', items: { type: 'string' } },
    where: { type: 'object', properties: { lat: { type: 'number' } }, required: ['lat'] },
  },
  required: ['city'],
  additionalProperties: false,
};

const catalog: ServerCatalog = {
  tools: [
    { name: 'weather', inputSchema: weather, annotations: { readOnlyHint: true } },
    { name: 'free', description: 'no schema' },
  ],
  prompts: [{ name: 'greet', arguments: [{ name: 'who', required: true }, { name: 'tone' }] }],
  resources: [],
  resourceTemplates: [],
};

describe('checkAgainstSchema', () => {
  it('accepts what the schema allows', () => {
    expect(checkAgainstSchema({ city: 'Paris', days: 3, units: 'metric', tags: ['a'], where: { lat: 1.5 } }, weather, ['arguments'])).toEqual([]);
  });

  it('names each wrong field by its path, once, in words', () => {
    const problems = checkAgainstSchema({ days: 9, units: 'kelvin', tags: ['a', 2], where: {}, extra: 1 }, weather, ['arguments']);
    expect(problems).toEqual([
      { path: '$.arguments.city', message: 'is required' },
      { path: '$.arguments.days', message: 'must be at most 7 (is 9)' },
      { path: '$.arguments.units', message: 'must be one of "metric", "imperial"' },
      { path: '$.arguments.tags[1]', message: 'must be a string (is an integer)' },
      { path: '$.arguments.where.lat', message: 'is required' },
      { path: '$.arguments.extra', message: 'is not a field here (the fields are city, days, units, tags, where)' },
    ]);
  });

  it('explains types, lengths and minimums', () => {
    expect(checkAgainstSchema({ city: 'P', days: 0 }, weather)).toEqual([
      { path: '$.city', message: 'must be at least 2 characters long' },
      { path: '$.days', message: 'must be at least 1 (is 0)' },
    ]);
    expect(checkAgainstSchema({ city: 'Paris', days: 1.5 }, weather)).toEqual([{ path: '$.days', message: 'must be an integer (is a number)' }]);
    expect(checkAgainstSchema('x', { type: ['object', 'null'] })).toEqual([{ path: '$', message: 'must be an object or null (is a string)' }]);
  });

  it('says an anyOf failed once, not once per branch', () => {
    const schema = { type: 'object', properties: { id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } };
    expect(checkAgainstSchema({ id: true }, schema)).toEqual([{ path: '$.id', message: 'matches none of the forms this field allows' }]);
  });

  it('quotes keys that are not identifiers', () => {
    const schema = { type: 'object', properties: { 'file name': { type: 'string' } } };
    expect(checkAgainstSchema({ 'file name': 3 }, schema)).toEqual([{ path: '$["file name"]', message: 'must be a string (is an integer)' }]);
  });
});

describe('checkParams', () => {
  it('checks a tool call against the recorded inputSchema', () => {
    expect(checkParams('tools/call', { name: 'weather', arguments: { city: 'Paris' } }, catalog)).toEqual({
      problems: [],
      notes: [],
      checked: 'the recorded inputSchema of "weather"',
    });
    expect(checkParams('tools/call', { name: 'weather' }, catalog).problems).toEqual([{ path: '$.arguments.city', message: 'is required' }]);
  });

  it('says when there is nothing to check against', () => {
    expect(checkParams('tools/call', { name: 'gone', arguments: {} }, catalog).notes).toEqual(['No recorded tools/list names a tool "gone", so its arguments are not checked.']);
    expect(checkParams('tools/call', { name: 'free', arguments: { a: 1 } }, catalog).notes[0]).toMatch(/has no inputSchema/);
    expect(checkParams('tools/call', { name: 'weather', arguments: {} }, undefined).notes).toHaveLength(1);
  });

  it('checks the shape of params', () => {
    expect(checkParams('tools/call', [1], catalog).problems).toEqual([{ path: '$', message: 'params must be a JSON object (is an array)' }]);
    expect(checkParams('tools/call', { arguments: 'x' }, catalog).problems).toEqual([
      { path: '$.name', message: 'must be a string: the name of the tool' },
      { path: '$.arguments', message: 'must be an object (is a string)' },
    ]);
    expect(checkParams('resources/read', {}, catalog).problems).toEqual([{ path: '$.uri', message: 'must be a string: the URI of the resource' }]);
    expect(checkParams('ping', undefined, catalog).problems).toEqual([]);
  });

  it('checks prompt arguments against the recorded list', () => {
    expect(checkParams('prompts/get', { name: 'greet', arguments: { who: 'Ann' } }, catalog).problems).toEqual([]);
    expect(checkParams('prompts/get', { name: 'greet', arguments: { tone: 3, mood: 'x' } }, catalog).problems).toEqual([
      { path: '$.arguments.who', message: 'is required' },
      { path: '$.arguments.tone', message: 'must be a string: prompt arguments are text (is an integer)' },
      { path: '$.arguments.mood', message: 'is not an argument of this prompt (it takes who, tone)' },
    ]);
  });
});
