// fast-check arbitraries for the requests of one contract operation, built from its schemas:
// valid requests, and requests that break exactly one rule (a type, a required field, a
// format, a length, an odd string, an odd path or query value, the credentials).
import fc from 'fast-check';
import type { ContractOperation, Schema } from '../operations.js';

/** How a generated request differs from a valid one; `valid` breaks no rule. */
export type Breakage =
  | { kind: 'valid' }
  | { kind: 'path'; name: string; value: string }
  | { kind: 'query'; name: string; value: string }
  | { kind: 'body'; rule: string; apply: (body: unknown) => unknown }
  | { kind: 'rawBody'; text: string }
  | { kind: 'credentials'; variant: 'none' | 'malformed bearer' | 'basic' };

export interface GeneratedRequest {
  pathValues: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body (before any breakage), if the operation takes one. */
  body: unknown;
  breakage: Breakage;
}

type Resolve = (schema: unknown) => Schema;

/** Characters of names people and tools really send: mostly printable ASCII, some control and non-ASCII. */
const character = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })
      .filter((c) => c >= ' ' && c !== '\u007f'),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)) },
);

/**
 * A string within the schema's lengths: short ones mostly, and long ones up to the bound.
 * A long string is a short pattern repeated to a length, so that shrinking searches the
 * length (a few steps to the boundary) instead of removing characters one by one.
 */
export function stringWithin(minLength = 0, maxLength = 1000): fc.Arbitrary<string> {
  const min = Math.max(0, minLength);
  const max = Math.max(min, maxLength);
  const repeated = (lengths: fc.Arbitrary<number>) =>
    fc.tuple(lengths, fc.string({ unit: character, minLength: 1, maxLength: 6 })).map(([length, pattern]) =>
      Array.from(pattern.repeat(Math.ceil(length / pattern.length)))
        .slice(0, length)
        .join(''),
    );
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: character, minLength: min, maxLength: Math.min(max, min + 24) }) },
    // fast-check's integers are biased towards their bounds: the maximum itself comes often.
    { weight: 2, arbitrary: repeated(fc.integer({ min: Math.max(min, 1), max })) },
  );
}

/** Odd strings: empty, whitespace, control characters, unicode, path tricks, very long. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\t\n',
      '..',
      '%',
      '%00',
      '%2F',
      'null',
      '{}',
      "'",
      '"',
      '\\',
      'é',
      '\u202e',
      '💥',
      '\ufeff',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((length) => 'x'.repeat(length)) },
);

/** Odd values in the URL: at most 1000 characters (longer request lines meet the HTTP layer's own limits, 414/431). */
const oddUrlValue = oddString.filter((value) => value.length <= 1000);
/** A path segment that still names the operation: not empty, not `.` or `..` (URL normalization makes those another route). */
const oddPathValue = fc
  .oneof(oddUrlValue, fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }))
  .filter((value) => value !== '' && value !== '.' && value !== '..');

/** A valid value of a JSON Schema (the subset the contract uses), mixed with the known values given. */
export function valueOf(schema: unknown, resolve: Resolve, known: unknown[] = []): fc.Arbitrary<unknown> {
  const node = resolve(schema);
  const generated = generatedValueOf(node, resolve);
  const candidates = known.filter((value) => value !== undefined);
  return candidates.length === 0
    ? generated
    : fc.oneof({ weight: 3, arbitrary: generated }, { weight: 2, arbitrary: fc.constantFrom(...candidates) });
}

function generatedValueOf(node: Schema, resolve: Resolve): fc.Arbitrary<unknown> {
  if (Array.isArray(node['enum'])) return fc.constantFrom(...(node['enum'] as unknown[]));
  if (Array.isArray(node['allOf']) && node['allOf'].length === 1)
    return generatedValueOf(resolve(node['allOf'][0]), resolve);
  switch (node['type']) {
    case 'string':
      if (node['format'] === 'uuid') return fc.uuid();
      if (node['format'] === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      return stringWithin(node['minLength'] as number | undefined, (node['maxLength'] as number | undefined) ?? 300);
    case 'integer':
      return fc.integer({
        min: (node['minimum'] as number | undefined) ?? -1_000_000,
        max: (node['maximum'] as number | undefined) ?? 1_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(generatedValueOf(resolve(node['items'] ?? {}), resolve), { maxLength: 4 });
    case 'object': {
      const properties = (node['properties'] ?? {}) as Record<string, unknown>;
      const required = (node['required'] ?? []) as string[];
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueOf(property, resolve)])),
        { requiredKeys: required.filter((name) => name in properties) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Ways to break exactly one rule of an object body's schema. */
function bodyBreakages(schema: unknown, resolve: Resolve): Array<fc.Arbitrary<Breakage>> {
  const node = resolve(schema);
  const breakages: Array<fc.Arbitrary<Breakage>> = [];
  const body = (rule: string, apply: (body: unknown) => unknown): Breakage => ({ kind: 'body', rule, apply });
  const withProperty = (body: unknown, name: string, value: unknown) => ({ ...(body as object), [name]: value });
  if (node['type'] !== 'object') return breakages;
  const properties = (node['properties'] ?? {}) as Record<string, unknown>;
  for (const name of (node['required'] ?? []) as string[]) {
    breakages.push(
      fc.constant(
        body(`required property ${name} missing`, (value) => {
          const { [name]: _dropped, ...rest } = value as Record<string, unknown>;
          return rest;
        }),
      ),
    );
  }
  if (node['additionalProperties'] === false) {
    breakages.push(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((name) => !(name in properties) && name !== '__proto__')
        .map((name) => body(`unknown property ${JSON.stringify(name)}`, (value) => withProperty(value, name, 'x'))),
    );
  }
  for (const [name, raw] of Object.entries(properties)) {
    const property = resolve(raw);
    const wrongTypes: unknown[] = [null, 7, true, [], {}];
    if (property['type'] !== 'string') wrongTypes.push('text');
    breakages.push(
      fc
        .constantFrom(...wrongTypes.filter((value) => typeof value !== property['type']))
        .map((wrong) => body(`${name} of the wrong type`, (value) => withProperty(value, name, wrong))),
    );
    if (property['type'] === 'string') {
      const maxLength = property['maxLength'] as number | undefined;
      const minLength = property['minLength'] as number | undefined;
      if (maxLength !== undefined)
        breakages.push(
          fc
            .integer({ min: maxLength + 1, max: maxLength + 2000 })
            .map((length) =>
              body(`${name} longer than ${maxLength}`, (value) => withProperty(value, name, 'a'.repeat(length))),
            ),
        );
      if (minLength !== undefined && minLength > 0)
        breakages.push(
          fc.constant(body(`${name} shorter than ${minLength}`, (value) => withProperty(value, name, ''))),
        );
      if (property['format'] !== undefined)
        breakages.push(
          oddString.map((odd) =>
            body(`${name} not a ${String(property['format'])}`, (value) => withProperty(value, name, odd)),
          ),
        );
    }
  }
  breakages.push(
    fc
      .constantFrom('', 'not json', '[]', '"text"', 'null', '{"username": ', '\u0000', '{}{}')
      .map((text): Breakage => ({ kind: 'rawBody', text })),
  );
  return breakages;
}

/** Requests for one operation: valid ones (about a third) and ones that break one rule. */
export function requestsOf(
  operation: ContractOperation,
  resolve: Resolve,
  known: Record<string, unknown[]>,
): fc.Arbitrary<GeneratedRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const pathValues = fc.record(
    Object.fromEntries(
      pathParameters.map((p) => [
        p.name,
        valueOf(p.schema, resolve, [p.example, ...(known[p.name] ?? [])]).map(asText),
      ]),
    ),
  );
  const query = fc.record(
    Object.fromEntries(queryParameters.map((p) => [p.name, valueOf(p.schema, resolve, [p.example]).map(asText)])),
    { requiredKeys: queryParameters.filter((p) => p.required).map((p) => p.name) },
  );
  const body = operation.body ? bodyOf(operation, resolve, known) : fc.constant(undefined);

  const breakages: Array<fc.Arbitrary<Breakage>> = [];
  for (const p of pathParameters)
    breakages.push(oddPathValue.map((value): Breakage => ({ kind: 'path', name: p.name, value })));
  for (const p of queryParameters)
    breakages.push(oddUrlValue.map((value): Breakage => ({ kind: 'query', name: p.name, value })));
  if (operation.body) breakages.push(...bodyBreakages(operation.body.schema, resolve));
  // Which client secret is wrong only a server with fixtures knows: UAA's token endpoint gets
  // no credentials or a bearer token, never other Basic credentials.
  const variants =
    operation.credentials === 'basic'
      ? (['none', 'malformed bearer'] as const)
      : (['none', 'malformed bearer', 'basic'] as const);
  if (operation.needsToken)
    breakages.push(fc.constantFrom(...variants).map((variant): Breakage => ({ kind: 'credentials', variant })));
  const breakage = fc.oneof(
    // An operation that takes nothing (the root document) has no rule to break: valid requests only.
    { weight: Math.max(1, breakages.length), arbitrary: fc.constant<Breakage>({ kind: 'valid' }) },
    ...breakages.map((arbitrary) => ({ weight: 2, arbitrary })),
  );
  return fc.record({ pathValues, query, body, breakage }) as fc.Arbitrary<GeneratedRequest>;
}

function bodyOf(
  operation: ContractOperation,
  resolve: Resolve,
  known: Record<string, unknown[]>,
): fc.Arbitrary<unknown> {
  const schema = resolve(operation.body!.schema);
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  if (schema['type'] !== 'object') return valueOf(schema, resolve, operation.body!.examples);
  // Each property may also take the values the contract's examples and the environment give it.
  const fromExamples = (name: string) =>
    operation.body!.examples.map((example) => (example as Record<string, unknown> | undefined)?.[name]);
  const required = ((schema['required'] ?? []) as string[]).filter((name) => name in properties);
  return fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        valueOf(property, resolve, [...fromExamples(name), ...(known[name] ?? [])]),
      ]),
    ),
    { requiredKeys: required },
  );
}
