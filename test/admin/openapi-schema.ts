/** docs/openapi.json and a validator for the JSON Schema subset it uses (shared by the admin tests). */
import { readFileSync } from 'fs';
import { join } from 'path';

export type Schema = Record<string, any>;
export const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')) as Schema;

export function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const path = (schema.$ref as string).replace(/^#\//, '').split('/');
  let node: any = spec;
  for (const p of path) node = node?.[p];
  if (!node) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolve(node);
}

/** The JSON Schema subset the file uses; returns the problems found at `where`. */
export function validate(value: unknown, schema: Schema, where = '$'): string[] {
  let s = resolve(schema);
  if (s.allOf) {
    // Merge the parts, so a property of one part is documented for the others.
    const parts = (s.allOf as Schema[]).map(resolve);
    s = {
      type: 'object',
      required: parts.flatMap((p) => p.required ?? []),
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    };
  }
  if (value === null) return s.nullable ? [] : [`${where}: null but not nullable`];
  const problems: string[] = [];
  const type = s.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${where}: ${actual}, expected ${type}`];
  if (s.enum && !(s.enum as unknown[]).includes(value)) problems.push(`${where}: ${String(value)} not in ${s.enum}`);
  if (type === 'array') (value as unknown[]).forEach((v, i) => problems.push(...validate(v, s.items as Schema, `${where}[${i}]`)));
  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (s.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${where}.${key}: missing`);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) problems.push(...validate(v, props[key], `${where}.${key}`));
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        problems.push(...validate(v, s.additionalProperties as Schema, `${where}.${key}`));
      } else if (s.properties && s.additionalProperties === undefined) problems.push(`${where}.${key}: not documented`);
    }
  }
  return problems;
}

/** Problems of `body` against the 200 answer of `operationId`. */
export function validateAnswer(operationId: string, body: unknown): string[] {
  for (const item of Object.values(spec.paths as Record<string, Schema>)) {
    for (const op of Object.values(item) as Schema[]) {
      if (op?.operationId === operationId) return validate(body, op.responses['200'].content['application/json'].schema as Schema);
    }
  }
  throw new Error(`no operation ${operationId} in docs/openapi.json`);
}
