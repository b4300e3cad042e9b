import { isUtf8 } from "node:buffer";
import { keyByteLength, MAX_KEY_BYTES } from "../../shared/cache/keys.ts";
import { compileKeyTemplate, KEY_CAPTURE, type KeyTemplate, TENANT_CAPTURE } from "./key-template.ts";
import { TemplateError } from "./template-error.ts";

export interface KeyMapperOptions {
  /** `--map` templates, tried in order; the first that matches a key maps it. @default [] (every key maps whole to `tenant`) */
  templates?: readonly string[];
  /** `--tenant`: the tenant of keys whose template has no {tenant} capture. @default undefined */
  tenant?: string;
}

/**
 * Where a legacy key goes. `tenant` is the raw text (the {tenant} capture or `--tenant`):
 * TenantIds turns it into an edge-cache tenant id.
 */
export type KeyMapping = { kind: "mapped"; tenant: string; key: string } | { kind: "unmapped"; reason: string };

export interface KeyMapper {
  readonly templates: readonly KeyTemplate[];
  map(legacyKey: Buffer): KeyMapping;
}

/**
 * @throws TemplateError for a template that does not compile, for a template without {tenant}
 *   when no fixed tenant is given, and when there is neither a template nor a fixed tenant.
 */
export function createKeyMapper(options: KeyMapperOptions): KeyMapper {
  const { tenant } = options;
  const templates = (options.templates ?? []).map(compileKeyTemplate);
  for (const template of templates) {
    if (tenant === undefined && !template.captures.includes(TENANT_CAPTURE)) {
      throw new TemplateError(
        `key template ${JSON.stringify(template.text)} has no {${TENANT_CAPTURE}} capture: give a fixed tenant (--tenant)`,
      );
    }
  }
  if (templates.length === 0 && tenant === undefined)
    throw new TemplateError("no key template and no fixed tenant: every key needs a tenant");
  const unmatched = `matches none of the key templates (${templates.map((template) => template.text).join(", ")})`;

  return {
    templates,
    map(legacyKey) {
      // A legacy key is bytes; an edge-cache key is text, and decoding bad UTF-8 would silently change it.
      if (!isUtf8(legacyKey)) return { kind: "unmapped", reason: "key is not UTF-8" };
      const text = legacyKey.toString("utf8");
      if (templates.length === 0) return checked(tenant as string, text);
      for (const template of templates) {
        const captures = template.match(text);
        if (captures) return checked(captures[TENANT_CAPTURE] ?? (tenant as string), captures[KEY_CAPTURE] ?? text);
      }
      return { kind: "unmapped", reason: unmatched };
    },
  };
}

function checked(tenant: string, key: string): KeyMapping {
  if (key === "") return { kind: "unmapped", reason: "key is empty" };
  const bytes = keyByteLength(key);
  if (bytes > MAX_KEY_BYTES) {
    return { kind: "unmapped", reason: `key is ${bytes} bytes of UTF-8, over edge-cache's limit of ${MAX_KEY_BYTES}` };
  }
  return { kind: "mapped", tenant, key };
}
