import { z } from 'zod';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** A zod schema as plain JSON Schema (2020-12, as OpenAPI 3.1 uses), without the $schema marker. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json['$schema'];
  return json;
}

/**
 * Splits an object schema into the parts named in `keys` (path parameters) and the rest (the body or the
 * query string). The rest keeps the object's own rules, such as `additionalProperties: false` on an input
 * that refuses unknown keys.
 */
export function splitObjectSchema(schema: JsonSchema, keys: readonly string[]): { picked: JsonSchema | null; rest: JsonSchema | null } {
  // A union of objects (an alert channel: one shape per kind) is the body as it is; it takes no path parameters.
  if (!schema.properties && (Array.isArray(schema['oneOf']) || Array.isArray(schema['anyOf']))) {
    if (keys.length > 0) throw new Error('A request whose input is a union cannot take path parameters.');
    return { picked: null, rest: schema };
  }
  const { properties = {}, required = [], type: _type, ...objectRules } = schema;
  const part = (names: string[], rules: Record<string, unknown>): JsonSchema | null =>
    names.length === 0
      ? null
      : {
          type: 'object',
          properties: Object.fromEntries(names.map((name) => [name, properties[name]])),
          required: required.filter((name) => names.includes(name)),
          ...rules,
        };
  const all = Object.keys(properties);
  return { picked: part(all.filter((name) => keys.includes(name)), {}), rest: part(all.filter((name) => !keys.includes(name)), objectRules) };
}
