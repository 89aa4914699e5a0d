// Renders /openapi.json with Swagger UI (served from the WebJar). Kept out of docs.html because the
// Content-Security-Policy allows no inline script.
(function () {
  'use strict';

  function start() {
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      plugins: [SwaggerUIBundle.plugins.DownloadUrl],
      layout: 'BaseLayout',
      // No calls to the public validator: the page talks to this server only.
      validatorUrl: null,
      displayRequestDuration: true,
      persistAuthorization: false,
      tryItOutEnabled: false,
      defaultModelsExpandDepth: 1,
      docExpansion: 'list'
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
