import { adminApiDocument } from "./openapi";
import { adminRoutes } from "./table";

// The admin API's reference as the admin UI shows it: the served OpenAPI document, flattened to
// what a reader scans for (method, path, scope, parameters, body fields, answer).

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  description?: string;
  default?: unknown;
}

export interface ReferenceField {
  name: string;
  where: "path" | "query" | "header" | "body";
  type: string;
  required: boolean;
  description: string | null;
}

export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  scope: string;
  idempotent: boolean;
  status: number;
  fields: ReferenceField[];
  answer: string;
}

function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.map((t) => (t === "array" ? `${typeOf(schema.items)}[]` : t)).join(" | ") || "object";
}

/** The answer's top-level shape, e.g. "{ object, data: object[], has_more, next_cursor }". */
function shapeOf(schema: JsonSchema | undefined): string {
  if (!schema?.properties) return typeOf(schema);
  return `{ ${Object.entries(schema.properties).map(([name, s]) => (typeOf(s) === "object" || typeOf(s) === "object[]" ? `${name}: ${typeOf(s)}` : name)).join(", ")} }`;
}

type Operation = {
  operationId: string;
  summary: string;
  parameters?: Array<{ name: string; in: "path" | "query" | "header"; required?: boolean; schema?: JsonSchema; description?: string }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

export function adminApiReference(): Array<{ tag: string; operations: ReferenceOperation[] }> {
  const document = adminApiDocument(adminRoutes) as { paths: Record<string, Record<string, Operation>> };
  const sections = new Map<string, ReferenceOperation[]>();
  for (const route of adminRoutes) {
    const path = `/api/admin/v1${route.path}`;
    const op = document.paths[path]![route.method]!;
    const status = route.status ?? 200;
    const body = op.requestBody?.content["application/json"]?.schema;
    const fields: ReferenceField[] = [
      ...(op.parameters ?? []).map((p) => ({ name: p.name, where: p.in, type: typeOf(p.schema), required: Boolean(p.required), description: p.description ?? p.schema?.description ?? null })),
      ...Object.entries(body?.properties ?? {}).map(([name, s]) => ({ name, where: "body" as const, type: typeOf(s), required: body?.required?.includes(name) ?? false, description: s.description ?? null })),
    ];
    const answer = op.responses[String(status)]?.content;
    const operation: ReferenceOperation = {
      id: op.operationId,
      method: route.method.toUpperCase(),
      path,
      summary: route.summary,
      scope: route.scope,
      idempotent: Boolean(route.idempotent),
      status,
      fields,
      answer: route.produces ?? shapeOf(answer?.["application/json"]?.schema),
    };
    sections.set(route.tag, [...(sections.get(route.tag) ?? []), operation]);
  }
  return [...sections].map(([tag, operations]) => ({ tag, operations }));
}
