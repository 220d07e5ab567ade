// Request validation for the admin API. Fastify's default ajv silently drops unknown properties
// (removeAdditional: true); the API must reject them instead, so this plugin compiles its schemas
// with its own settings. Query strings and params are coerced from text; JSON bodies are not.
import { Ajv, type ErrorObject } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

/** The ajv options used here, for an app that wants the same everywhere: Fastify({ ajv: { customOptions: ajvOptions } }). */
export const ajvOptions = { removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: false, strict: false } as const;

// The few string formats the API's schemas use (ajv knows none without the ajv-formats package).
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const FORMATS: Record<string, (value: string) => boolean> = {
  date: (v) => ISO_DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  "date-time": (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => new RegExp(UUID_PATTERN).test(v),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
};

function makeAjv(options: ConstructorParameters<typeof Ajv>[0]): Ajv {
  const ajv = new Ajv(options);
  for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: "string", validate });
  return ajv;
}

const bodyAjv = makeAjv(ajvOptions);
const textAjv = makeAjv({ ...ajvOptions, coerceTypes: "array" });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === "body" ? bodyAjv : textAjv).compile(schema);

/** "body.desaCodes[0]" style name of the field an ajv error is about. */
function fieldOf(context: string, e: ErrorObject): string {
  let path = e.instancePath
    .split("/")
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("");
  const params = e.params as { additionalProperty?: string; missingProperty?: string };
  if (params.additionalProperty) path += `.${params.additionalProperty}`;
  if (params.missingProperty) path += `.${params.missingProperty}`;
  return `${context}${path}`;
}

function reasonOf(e: ErrorObject): string {
  if (e.keyword === "additionalProperties") return "is not an allowed field";
  if (e.keyword === "required") return "is required";
  return e.message ?? "is invalid";
}

/** Turns Fastify's validation error into the fields the API names. */
export function validationFields(context: string, errors: ErrorObject[]): { field: string; reason: string }[] {
  return errors.map((e) => ({ field: fieldOf(context, e), reason: reasonOf(e) }));
}

// Shared schema pieces.
export const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
export const uuid = { type: "string", pattern: UUID_PATTERN } as const;
/** Kemendagri desa code, e.g. 63.11.06.2001. */
export const desaCode = { type: "string", pattern: "^\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{4}$" } as const;
export const idParams = { type: "object", properties: { id: uuid }, required: ["id"], additionalProperties: false } as const;

export const PAGE_LIMIT_MAX = 200;
export const pageQuery = {
  limit: { type: "integer", minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50 },
  offset: { type: "integer", minimum: 0, maximum: 1_000_000, default: 0 },
} as const;

export interface Page {
  limit: number;
  offset: number;
}

export function pageOf<T>(items: T[], total: number, page: Page) {
  return { items, total, limit: page.limit, offset: page.offset };
}

export const errorSchema = {
  type: "object",
  properties: {
    error: { type: "string" },
    message: { type: "string" },
    fields: { type: "array", items: { type: "object", properties: { field: { type: "string" }, reason: { type: "string" } } } },
  },
} as const;
