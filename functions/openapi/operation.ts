import type * as z from "zod";

/** A JSON Schema written out by hand, for what no zod schema validates (raw bytes, text, headers). */
export type JsonSchema = Record<string, unknown>;

/** A zod schema is converted once, when the document is built; a JSON Schema is copied as is. */
export type SchemaSource = z.ZodType | JsonSchema;

export type Content = Record<string, { schema: SchemaSource }>;

export interface ParameterDocs {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface ResponseDocs {
  description: string;
  headers?: Record<string, { description?: string; schema: JsonSchema }>;
  content?: Content;
}

export type Tag = "cache" | "warm" | "admin" | "service";

/** One operation of the API, as the OpenAPI document describes it. */
export interface OperationDocs {
  method: "get" | "put" | "post" | "patch" | "delete";
  /** OpenAPI template (`/v1/cache/{key}`), not Hono's (`/v1/cache/:key{.+}`). */
  path: string;
  tags: Tag[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: ParameterDocs[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<number, ResponseDocs>;
}
