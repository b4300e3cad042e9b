import type { Hono } from "hono";
import { openAPIRouteHandler } from "hono-openapi";
import { VERSION } from "../../shared/health";
import type { AppEnv } from "../app-env";

/** GET /openapi.json: OpenAPI 3.1, generated from the routes' descriptions and zod schemas. */
export function openApiDocument(app: Hono<AppEnv>) {
  return openAPIRouteHandler(app, {
    documentation: {
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
      },
      tags: [
        { name: "cache", description: "Tenant-scoped cache operations" },
        { name: "warm", description: "Warm plans and their runs" },
        { name: "admin", description: "Tenants and tokens (ADMIN_TOKEN)" },
        { name: "service", description: "Health and metrics" },
      ],
    },
  });
}
