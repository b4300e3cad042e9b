// The API reference: this Worker's own OpenAPI document, rendered by the Swagger UI bundle served
// beside this page (pinned in package.json, copied by dev/assets/copy-vendor.mjs).
window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  // Swagger UI would otherwise send the document to validator.swagger.io.
  validatorUrl: null,
});
