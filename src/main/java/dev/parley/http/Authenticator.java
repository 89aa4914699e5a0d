package dev.parley.http;

import dev.parley.core.Principal;
import io.javalin.http.Context;
import java.util.Optional;

/** Turns the request's credential (bearer token or session cookie) into a {@link Principal}. */
public interface Authenticator {
    /**
     * @return empty when the request carries no credential at all
     * @throws dev.parley.core.Failure.Unauthenticated when it carries a wrong, expired or revoked one
     */
    Optional<Principal> authenticate(Context ctx);
}
