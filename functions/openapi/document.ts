import type { Context } from "hono";
import { VERSION } from "../../shared/health";
import type { AppEnv } from "../app-env";
import { adminOperations, serviceOperations } from "./admin-docs";
import { cacheOperations } from "./cache-docs";
import { SchemaComponents } from "./components";
import type { Content, OperationDocs } from "./operation";
import { warmOperations } from "./warm-docs";

/** Every operation of the API; test/openapi holds this list to the app's routes. */
export const apiOperations = (): OperationDocs[] => [
  ...serviceOperations(),
  ...adminOperations(),
  ...cacheOperations(),
  ...warmOperations(),
];

/** The OpenAPI 3.1 document of the API, built from the operations' docs and their zod schemas. */
export function buildOpenApiDocument(operations: OperationDocs[] = apiOperations()) {
  const components = new SchemaComponents();
  const content = (media: Content) =>
    Object.fromEntries(Object.entries(media).map(([type, { schema }]) => [type, { schema: components.resolve(schema) }]));

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, requestBody, responses, ...docs } of operations) {
    paths[path] ??= {};
    paths[path][method] = {
      operationId: operationId(method, path),
      ...docs,
      ...(requestBody && { requestBody: { ...requestBody, content: content(requestBody.content) } }),
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, response]) => [
          status,
          response.content ? { ...response, content: content(response.content) } : response,
        ]),
      ),
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "edge-cache",
      version: VERSION,
      description:
        'Multi-tenant cache at the edge: a per-isolate memory tier in front of Upstash Redis. Every error is `{"error":{"code","message"}}`.',
    },
    components: {
      securitySchemes: {
        tenantToken: {
          type: "http",
          scheme: "bearer",
          description: "A token issued to a tenant (`ec_…`), with scopes read, write, manage",
        },
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
      },
      schemas: components.schemas,
    },
    tags: [
      { name: "cache", description: "Tenant-scoped cache operations" },
      { name: "warm", description: "Warm plans and their runs" },
      { name: "admin", description: "Tenants and tokens (ADMIN_TOKEN)" },
      { name: "service", description: "Health and metrics" },
    ],
    paths,
  };
}

/** `PUT /v1/cache/{key}` → `putV1CacheByKey`: stable names for generated clients. */
export function operationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((segment) => (segment.startsWith("{") ? `By${pascalCase(segment.slice(1, -1))}` : pascalCase(segment)));
  return method + (words.length > 0 ? words.join("") : "Index");
}

const pascalCase = (text: string) =>
  text
    .split(/[-_.]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");

// Built on the first request for it in an isolate, then served from memory: nothing changes it
// but a deploy.
let documentJson: string | undefined;

/** GET /openapi.json */
export function serveOpenApiDocument(c: Context<AppEnv>) {
  documentJson ??= JSON.stringify(buildOpenApiDocument());
  return c.body(documentJson, 200, { "Content-Type": "application/json" });
}
