import { describe, expect, it } from 'vitest';
import { deref, resolvePointer } from '../src/index.js';

const document = {
  components: {
    examples: { First: { value: 1 }, Alias: { $ref: '#/components/examples/First' } },
    schemas: { 'a/b': { type: 'string' }, '{guid}': { format: 'uuid' }, 'x~y': { type: 'integer' } },
    loop: { A: { $ref: '#/components/loop/B' }, B: { $ref: '#/components/loop/A' } },
  },
};

describe('deref', () => {
  it('returns a node that is no reference as it is', () => {
    const node = { value: 2 };
    expect(deref(document, node)).toBe(node);
    expect(deref(document, 'text')).toBe('text');
    expect(deref(document, null)).toBe(null);
  });

  it('follows a reference, and a reference to a reference', () => {
    expect(deref(document, { $ref: '#/components/examples/First' })).toEqual({ value: 1 });
    expect(deref(document, { $ref: '#/components/examples/Alias' })).toBe(document.components.examples.First);
  });

  it('decodes escaped and percent-encoded keys', () => {
    expect(deref(document, { $ref: '#/components/schemas/a~1b' })).toEqual({ type: 'string' });
    expect(deref(document, { $ref: '#/components/schemas/x~0y' })).toEqual({ type: 'integer' });
    expect(deref(document, { $ref: '#/components/schemas/%7Bguid%7D' })).toEqual({ format: 'uuid' });
  });

  it('gives undefined for a reference that names nothing, and refuses other documents and loops', () => {
    expect(deref(document, { $ref: '#/components/examples/Missing' })).toBeUndefined();
    expect(resolvePointer(document, '#/components/examples/toString')).toBeUndefined();
    expect(() => deref(document, { $ref: 'other.yaml#/x' })).toThrow(/only local references/);
    expect(() => deref(document, { $ref: '#/components/loop/A' })).toThrow(/reference loop/);
  });
});
