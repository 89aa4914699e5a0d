package dev.parley.core;

/**
 * Who is calling, as established from a credential. The tenant comes from here and only from here:
 * no request field or path may choose it.
 *
 * @param tenantId     the caller's tenant; {@code null} for a platform operator
 * @param actorId      the user id ({@code usr_…}) or API key id ({@code key_…})
 * @param userId       the user behind the call: the session's user, or the key's creator
 * @param role         the tenant role; {@code null} for an operator
 * @param credentialId the session or key id, the unit of request rate limiting
 * @param viaCookie    true when the credential came from the dashboard cookie (CSRF applies)
 * @param csrfToken    the token a cookie-authenticated write must echo, else {@code null}
 */
public record Principal(String tenantId, String actorId, String userId, Role role, boolean operator,
                        String credentialId, boolean viaCookie, String csrfToken) {

    public boolean isApiKey() {
        return actorId.startsWith("key_");
    }

    public boolean atLeast(Role needed) {
        return !operator && role != null && role.atLeast(needed);
    }
}
