package dev.parley.tenancy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.parley.core.Role;
import java.time.Instant;

/** A person who logs in. {@code role} is "operator" for platform operators, whose {@code tenantId} is null. */
public record User(String id, String tenantId, String email, String name, String role, boolean disabled,
                   Instant createdAt, Instant updatedAt, Instant lastLoginAt, @JsonIgnore String passwordHash) {

    @JsonIgnore
    public boolean isOperator() {
        return "operator".equals(role);
    }

    @JsonIgnore
    public Role tenantRole() {
        return Role.parse(role).orElse(null);
    }

    static final String COLUMNS = "id, tenant_id, email, name, role, disabled, created_at, updated_at, last_login_at, password_hash";

    static User map(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp lastLogin = rs.getTimestamp("last_login_at");
        return new User(rs.getString("id"), rs.getString("tenant_id"), rs.getString("email"), rs.getString("name"),
                rs.getString("role"), rs.getBoolean("disabled"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), lastLogin == null ? null : lastLogin.toInstant(),
                rs.getString("password_hash"));
    }
}
