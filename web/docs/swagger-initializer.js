// Starts Swagger UI on GET /docs. "Try it out" is on from the start, requests go to the origin
// that served the page, and validatorUrl is null: the lab talks to no outside service.
// BaseLayout (no top bar to load other documents), so the standalone preset is not needed.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
