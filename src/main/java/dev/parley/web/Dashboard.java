package dev.parley.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * Serves the dashboard: static HTML, CSS and JavaScript modules from {@code resources/web/dashboard} at
 * {@code /}, which call the {@code /v1} API with the session cookie. Nothing here knows any resource; the
 * pages only use the API. What a reader could get wrong: the dashboard's security rests on the
 * Content-Security-Policy {@link #POLICY} (scripts, styles, images and requests from Parley only, no
 * inline script, no eval), which the HTTP layer sets on every answer except the API reference at
 * {@code /docs}.
 */
public final class Dashboard {
    /** The policy for the dashboard and every other answer but {@code /docs}: Parley itself, nothing inline. */
    public static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
            + "form-action 'self'";

    private Dashboard() {}

    public static void serve(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web/dashboard";
            files.location = Location.CLASSPATH;
            // Pages and scripts change with each release and are small: always revalidate.
            files.headers = Map.of("Cache-Control", "no-cache");
        });
    }
}
