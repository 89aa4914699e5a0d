package dev.parley.http;

import dev.parley.core.Role;

/** Who may call a route. Every route states one; there is no default. */
public sealed interface Access {
    /** No credential needed (login, health, docs). */
    record Open() implements Access {}

    /** Any valid credential: a tenant user or key of any role, or an operator. */
    record Authenticated() implements Access {}

    /** A tenant credential whose role is at least {@code role}. Operators are refused. */
    record TenantRole(Role role) implements Access {}

    /** A platform operator only. */
    record Operator() implements Access {}

    static Access open() {
        return new Open();
    }

    static Access authenticated() {
        return new Authenticated();
    }

    static Access role(Role role) {
        return new TenantRole(role);
    }

    static Access operator() {
        return new Operator();
    }
}
