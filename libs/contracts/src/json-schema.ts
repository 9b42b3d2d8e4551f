/**
 * JSON Schemas of the contract, written once and used as they are: by the
 * validators, and as the schema components of the OpenAPI 3.1 documents
 * (JSON Schema 2020-12, of which every schema here is also valid draft-07).
 */

/** A JSON Schema object: keywords to values. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** The keys of T that may be absent. */
export type OptionalKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? K : never }[keyof T];

interface SchemaAnnotations {
  readonly title?: string;
  readonly description?: string;
  /** Whether other properties may appear (default false: the shape is closed). */
  readonly additionalProperties?: boolean | JsonSchema;
}

/** Options of objectSchema: when T has optional properties, `optional` must name every one of them. */
export type ObjectSchemaOptions<T> = SchemaAnnotations &
  ([OptionalKeys<T>] extends [never] ? { readonly optional?: never } : { readonly optional: { readonly [K in OptionalKeys<T>]: true } });

/**
 * The schema of an object type T with one schema per property. The
 * properties are checked against T at compile time: a property of T
 * without a schema, a schema of a property T does not have, or an optional
 * property of T not named optional is a type error, so the schema cannot
 * drift from the type it describes.
 */
export function objectSchema<T extends object>(
  properties: { readonly [K in keyof T]-?: JsonSchema },
  ...[options]: [OptionalKeys<T>] extends [never] ? [options?: ObjectSchemaOptions<T>] : [options: ObjectSchemaOptions<T>]
): JsonSchema {
  const optional = new Set(Object.keys(options?.optional ?? {}));
  return {
    ...(options?.title === undefined ? {} : { title: options.title }),
    ...(options?.description === undefined ? {} : { description: options.description }),
    type: 'object',
    required: Object.keys(properties).filter((key) => !optional.has(key)),
    properties,
    additionalProperties: options?.additionalProperties ?? false,
  };
}
