import { describe, expect, it } from 'vitest';
import { optionalFields, skeleton, startingParams } from './skeleton.js';
import { checkAgainstSchema } from './schema-check.js';

const schema = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    steps: { type: 'integer', minimum: 1, maximum: 50 },
    mode: { type: 'string', enum: ['fast', 'slow'] },
    loud: { type: 'boolean' },
    size: { type: 'number', default: 12 },
    point: { $ref: '#/$defs/point' },
    list: { type: 'array', items: { type: 'string' }, minItems: 1 },
    note: { type: ['string', 'null'], description: 'free text' },
  },
  required: ['text', 'steps', 'mode', 'loud', 'size', 'point', 'list'],
  $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } },
};

describe('skeleton', () => {
  it('fills the required fields with a value of the right type', () => {
    expect(skeleton(schema)).toEqual({ text: '', steps: 1, mode: 'fast', loud: false, size: 12, point: { x: 0, y: 0 }, list: [''] });
  });
  it('passes the schema it came from, but for what the user must type', () => {
    const value = skeleton({ ...schema, properties: { ...schema.properties, text: { type: 'string', minLength: 1 } } });
    expect(checkAgainstSchema(value, { ...schema, properties: { ...schema.properties, text: { type: 'string', minLength: 1 } } })).toEqual([
      { path: '$.text', message: 'must be at least 1 characters long' },
    ]);
  });
  it('copes with odd or missing schemas', () => {
    expect(skeleton(undefined)).toBeNull();
    expect(skeleton(true)).toBeNull();
    expect(skeleton({ anyOf: [{ type: 'integer', exclusiveMinimum: 3 }, { type: 'string' }] })).toBe(4);
    expect(skeleton({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { const: 2 } }, required: ['b'] }] })).toEqual({ a: '', b: 2 });
    // A schema that refers to itself ends instead of recursing forever.
    const tree = { type: 'object', properties: { child: { $ref: '#' } }, required: ['child'] };
    expect(JSON.stringify(skeleton(tree))).toContain('"child":{"child"');
  });
});

describe('optionalFields', () => {
  it('lists what the skeleton leaves out, with its type', () => {
    expect(optionalFields(schema)).toEqual([{ name: 'note', type: 'string | null', description: 'free text' }]);
    expect(optionalFields({ type: 'object', properties: { u: { enum: ['a', 'b'] } } })).toEqual([{ name: 'u', type: 'one of "a", "b"' }]);
  });
});

describe('startingParams', () => {
  it('starts each kind of request from what the catalog recorded', () => {
    expect(startingParams({ kind: 'tool', entry: { name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } })).toEqual({
      name: 'echo',
      arguments: { text: '' },
    });
    expect(startingParams({ kind: 'tool', entry: { name: 'bare' } })).toEqual({ name: 'bare', arguments: {} });
    expect(startingParams({ kind: 'prompt', entry: { name: 'greet', arguments: [{ name: 'who', required: true }, { name: 'tone' }] } })).toEqual({ name: 'greet', arguments: { who: '' } });
    expect(startingParams({ kind: 'prompt', entry: { name: 'plain' } })).toEqual({ name: 'plain' });
    expect(startingParams({ kind: 'resource', entry: { uri: 'file:///a.txt' } })).toEqual({ uri: 'file:///a.txt' });
    expect(startingParams({ kind: 'template', entry: { uriTemplate: 'users://{id}' } })).toEqual({ uri: 'users://{id}' });
  });
});
