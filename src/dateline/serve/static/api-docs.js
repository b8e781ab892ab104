// Starts the vendored Swagger UI on dateline's OpenAPI document (no inline script: see the CSP).
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null, // the default validator is a remote service
    deepLinking: true,
  });
});
