package dev.parley.tenancy;

import dev.parley.core.Failure;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.http.Authenticator;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Authenticates a request: {@code Authorization: Bearer pk_…} (API key), {@code Bearer ps_…} (session
 * token), or the dashboard's session cookie. A credential that is present but wrong is a 401; one
 * whose tenant is suspended is a 403.
 */
public final class Credentials implements Authenticator {
    public static final String COOKIE = "parley_session";

    private final Sessions sessions;
    private final ApiKeys apiKeys;

    public Credentials(Sessions sessions, ApiKeys apiKeys) {
        this.sessions = sessions;
        this.apiKeys = apiKeys;
    }

    @Override
    public Optional<Principal> authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 7 + 200) {
                throw new Failure.Unauthenticated("use Authorization: Bearer <API key or session token>");
            }
            String token = header.substring(7).trim();
            if (token.startsWith(ApiKeys.PREFIX)) {
                return Optional.of(fromKey(token));
            }
            return Optional.of(fromSession(token, false));
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null && !cookie.isEmpty()) {
            return Optional.of(fromSession(cookie, true));
        }
        return Optional.empty();
    }

    private Principal fromKey(String token) {
        ApiKeys.Live key = apiKeys.find(token)
                .orElseThrow(() -> new Failure.Unauthenticated("the API key is wrong or revoked"));
        if ("suspended".equals(key.tenantStatus())) {
            throw new Failure.Forbidden("this tenant is suspended");
        }
        return new Principal(key.tenantId(), key.id(), key.createdBy(), key.role(), false, key.id(), false, null);
    }

    private Principal fromSession(String token, boolean viaCookie) {
        if (!token.startsWith(Sessions.TOKEN_PREFIX)) {
            throw new Failure.Unauthenticated("the token is not a Parley API key or session token");
        }
        Sessions.Live live = sessions.find(token)
                .orElseThrow(() -> new Failure.Unauthenticated("the session token is wrong, expired or revoked"));
        User user = live.user();
        if ("suspended".equals(live.tenantStatus())) {
            throw new Failure.Forbidden("this tenant is suspended");
        }
        Role role = user.tenantRole();
        return new Principal(user.tenantId(), user.id(), user.id(), role, user.isOperator(), live.id(), viaCookie,
                viaCookie ? sessions.csrfToken(live.id()) : null);
    }
}
