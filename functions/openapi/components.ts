import * as z from "zod";
import type { JsonSchema, SchemaSource } from "./operation";

const SCHEMAS = "#/components/schemas/";

/**
 * Turns the zod schemas of the API into JSON Schema 2020-12 (OpenAPI 3.1's dialect). A schema
 * given an `id` with `.meta()` becomes one entry of `components.schemas`, referenced from every
 * operation that uses it; the rest is inlined.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  resolve(source: SchemaSource): JsonSchema {
    if (!(source instanceof z.ZodType)) return source;
    // "input": what a client may send. Responses are described the same way, so that adding a
    // field to one is not a breaking change for a client validating with additionalProperties.
    const { $schema: _dialect, $defs, ...schema } = z.toJSONSchema(source, { io: "input" });
    for (const [id, definition] of Object.entries(relocateRefs($defs ?? {}))) this.add(id, definition);
    return relocateRefs(schema);
  }

  private add(id: string, definition: JsonSchema) {
    const known = this.schemas[id];
    if (known && JSON.stringify(known) !== JSON.stringify(definition)) {
      throw new Error(`edge-cache OpenAPI: two different schemas are named ${id}`);
    }
    this.schemas[id] = definition;
  }
}

/** zod points `$ref`s at the `$defs` of each schema; in the document they live under components. */
function relocateRefs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema), (key, value) =>
    key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/") ? SCHEMAS + value.slice("#/$defs/".length) : value,
  );
}
