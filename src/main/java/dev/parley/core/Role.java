package dev.parley.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Tenant roles, lowest first; each includes every permission of those below it. {@code operator} is
 * not here: it is platform-wide and carries no tenant, see {@link Principal#operator()}.
 */
public enum Role {
    /** Reads contacts and messages with personal data masked; sends single messages. */
    AGENT,
    /** Contacts, lists, imports, suppressions, templates, campaigns, messages, queue retries. */
    SUPERVISOR,
    /** Users, API keys, providers, routing and settings. */
    ADMIN,
    /** Everything an admin can, and manage other owners. */
    OWNER;

    public boolean atLeast(Role other) {
        return ordinal() >= other.ordinal();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.wire().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
