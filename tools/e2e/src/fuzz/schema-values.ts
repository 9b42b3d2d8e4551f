import { type JsonSchema } from '@sferum/contracts';
import fc from 'fast-check';

/**
 * Valid-looking values of a JSON Schema (as the OpenAPI documents carry
 * them): what a careful client would send, so requests get past the
 * parsers to the handlers. The schema gives the shape; where the domain
 * knows better (a region code the registry has, a week near the services'
 * clock, an organization that exists), the context's overrides give it.
 */
export interface ValueContext {
  readonly resolve: (schema: JsonSchema) => JsonSchema;
  /** Values for a property or parameter of this name, before its schema is looked at; undefined: none. */
  readonly byName: (name: string) => fc.Arbitrary<unknown> | undefined;
  /** Values for a string of this pattern (a pattern's source, as the document writes it); undefined: generated from the pattern. */
  readonly byPattern: (pattern: string) => fc.Arbitrary<string> | undefined;
}

/** Arrays are kept short: the point is the values, not the volume (a batch of 5,000 events is generated apart). */
const MAX_ITEMS = 6;
const MAX_DEPTH = 6;

export function validValue(schema: JsonSchema | undefined, context: ValueContext, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (name !== undefined) {
    const named = context.byName(name);
    if (named !== undefined) return named;
  }
  if (schema === undefined || depth > MAX_DEPTH) return fc.string({ maxLength: 12 });
  const s = context.resolve(schema);
  if ('const' in s) return fc.constant(s['const']);
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
  const allOf = s['allOf'] as JsonSchema[] | undefined;
  const branches = (s['oneOf'] ?? s['anyOf']) as JsonSchema[] | undefined;
  if (allOf !== undefined) {
    const { allOf: _allOf, oneOf: _oneOf, anyOf: _anyOf, ...own } = s;
    const base = [...allOf.map(context.resolve), own].reduce(mergeSchemas, {});
    if (branches === undefined) return validValue(base, context, undefined, depth + 1);
    return fc.oneof(...branches.map((branch) => validValue(mergeSchemas(base, context.resolve(branch)), context, undefined, depth + 1)));
  }
  if (branches !== undefined) return fc.oneof(...branches.map((branch) => validValue(branch, context, name, depth + 1)));
  const type = s['type'];
  if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((t) => validValue({ ...s, type: t }, context, name, depth + 1)));
  const examples = Array.isArray(s['examples']) ? (s['examples'] as unknown[]) : [];
  const typed = typedValue(s, typeof type === 'string' ? type : s['properties'] !== undefined ? 'object' : undefined, context, depth);
  return examples.length === 0 ? typed : fc.oneof({ arbitrary: typed, weight: 4 }, { arbitrary: fc.constantFrom(...examples), weight: 1 });
}

function typedValue(s: JsonSchema, type: string | undefined, context: ValueContext, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      const pattern = s['pattern'];
      if (typeof pattern === 'string') return context.byPattern(pattern) ?? fc.stringMatching(new RegExp(pattern));
      const minLength = typeof s['minLength'] === 'number' ? s['minLength'] : 0;
      const maxLength = Math.max(minLength, Math.min(typeof s['maxLength'] === 'number' ? s['maxLength'] : 24, 24));
      return fc.string({ minLength, maxLength });
    }
    case 'integer': {
      const min = typeof s['minimum'] === 'number' ? s['minimum'] : -1_000;
      const max = typeof s['maximum'] === 'number' ? s['maximum'] : min + 2_000;
      return fc.integer({ min, max });
    }
    case 'number': {
      const min = typeof s['minimum'] === 'number' ? s['minimum'] : -1_000;
      const max = typeof s['maximum'] === 'number' ? s['maximum'] : min + 2_000;
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = s['items'] as JsonSchema | undefined;
      const minLength = typeof s['minItems'] === 'number' ? s['minItems'] : 0;
      const maxLength = Math.max(minLength, Math.min(typeof s['maxItems'] === 'number' ? s['maxItems'] : MAX_ITEMS, MAX_ITEMS));
      const item = validValue(items, context, undefined, depth + 1);
      return s['uniqueItems'] === true
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const properties = (s['properties'] ?? {}) as Record<string, JsonSchema>;
      const names = Object.keys(properties);
      if (names.length === 0) {
        const additional = s['additionalProperties'];
        const value = typeof additional === 'object' && additional !== null ? validValue(additional as JsonSchema, context, undefined, depth + 1) : fc.jsonValue({ maxDepth: 1 });
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 3 });
      }
      const required = new Set((s['required'] ?? []) as string[]);
      const model = Object.fromEntries(names.map((key) => [key, validValue(properties[key], context, key, depth + 1)]));
      return fc.record(model, { requiredKeys: names.filter((key) => required.has(key)) });
    }
    case undefined:
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Two object schemas as one (allOf, or allOf with a oneOf branch): the later one's properties win, the required lists join. */
function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const properties = { ...((a['properties'] ?? {}) as object), ...((b['properties'] ?? {}) as object) };
  const required = b['required'] !== undefined && Array.isArray(b['required']) && b['required'].length === 0 ? [] : [...new Set([...((a['required'] ?? []) as string[]), ...((b['required'] ?? []) as string[])])];
  return { ...a, ...b, properties, required };
}
