/** A key template that cannot work (bad syntax, or no way to find a tenant); thrown before any key is read. */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
}
