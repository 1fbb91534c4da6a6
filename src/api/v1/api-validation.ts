import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * How the documented API validates its input with the routes' TypeBox schemas, and how a refusal
 * reads. Bodies are taken as sent (no type coercion, nothing removed, no defaults); query strings,
 * being text, are coerced to the declared numbers and booleans. Every error is collected, so the
 * message can name the first problem in a stable order (see `validationMessage`).
 */

/**
 * The words of a refusal, beside the schema they belong to: `required` when the field is missing,
 * `additionalProperties` for an unknown field (`{name}` is its name), `default` for anything else;
 * `{field}` is the field as a client writes it (`door_ids[0]`).
 */
export interface ErrorWords {
  required?: string;
  additionalProperties?: string;
  default?: string;
  /** The words of any other keyword's refusal (`maxItems`, `pattern`, …). */
  [keyword: string]: string | undefined;
}

/** The annotation key of `ErrorWords` in a schema (an `x-` extension: stripped from the document). */
export const ERROR_WORDS = 'x-error';

/** The schema options that attach `ErrorWords`. */
export function says(words: ErrorWords): { [ERROR_WORDS]: ErrorWords } {
  return { [ERROR_WORDS]: words };
}

const common = { allErrors: true, verbose: true, strict: false, useDefaults: false } as const;
const bodies = new Ajv({ ...common, coerceTypes: false, removeAdditional: false });
const texts = new Ajv({ ...common, coerceTypes: true, removeAdditional: false });

/** Fastify's validator compiler for the API scope: bodies as sent, query strings and headers coerced. */
export const apiValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodies : texts).compile(schema as object);

/** Fastify's schema error formatter for the API scope: one message, see `validationMessage`. */
export function apiSchemaErrorFormatter(errors: unknown, part: string): Error {
  return new Error(validationMessage(errors as ErrorObject[], part));
}

/** An error's field as a client writes it: `/door_ids/0` → `door_ids[0]`. */
function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  return parts.reduce(
    (field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : field ? `${field}.${part}` : part),
    '',
  );
}

function wordsOf(schema: unknown): ErrorWords {
  return ((schema as Record<string, unknown> | undefined)?.[ERROR_WORDS] ?? {}) as ErrorWords;
}

function fill(text: string, field: string, name = ''): string {
  return text.replaceAll('{field}', field).replaceAll('{name}', name);
}

/** Refusals in the order a person fixes them: the body's shape, unknown fields, missing ones, the rest. */
function rank(error: ErrorObject): number {
  if (error.instancePath === '' && error.keyword === 'type') return 0;
  if (error.keyword === 'additionalProperties') return 1;
  if (error.keyword === 'required') return 2;
  return 3;
}

/** The message of one refusal, from the words beside its schema or plain generated ones. */
function messageOf(error: ErrorObject, part: string): string {
  if (error.keyword === 'required') {
    const name = (error.params as { missingProperty: string }).missingProperty;
    const field = fieldOf(error.instancePath, name);
    const words = wordsOf((error.parentSchema?.properties as Record<string, unknown> | undefined)?.[name]);
    return fill(words.required ?? `${field} is required`, field);
  }
  if (error.keyword === 'additionalProperties') {
    const name = (error.params as { additionalProperty: string }).additionalProperty;
    const words = wordsOf(error.parentSchema);
    return fill(words.additionalProperties ?? `unknown field "{name}"`, fieldOf(error.instancePath), name);
  }
  const field = fieldOf(error.instancePath);
  const words = wordsOf(error.parentSchema);
  // A query parameter given twice arrives as a list (spec §4 names one value per parameter).
  if (part === 'querystring' && error.keyword === 'type' && Array.isArray(error.data) && field)
    return `${field} must be given once`;
  // An empty query value is as good as none: a required one is missing.
  if (part === 'querystring' && error.data === '' && words.required) return fill(words.required, field);
  const own = words[error.keyword] ?? words.default;
  if (own) return fill(own, field);
  const subject = field || (part === 'body' ? 'the body' : `the ${part}`);
  return `${subject} ${error.message ?? 'is invalid'}`;
}

/**
 * The one message of a refused input: the first problem in the order `rank` gives, in the words the
 * schema carries for it.
 */
export function validationMessage(errors: readonly ErrorObject[], part: string): string {
  const first = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  return first ? messageOf(first, part) : `the ${part} is invalid`;
}
