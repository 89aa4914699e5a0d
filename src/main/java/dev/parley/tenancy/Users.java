package dev.parley.tenancy;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Role;
import dev.parley.db.SqlStates;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Users and the rules on changing them: nobody grants or edits above their own role, nobody changes
 * their own role or disables or deletes themselves, and a tenant always keeps one active owner.
 */
public final class Users {
    private final Jdbi jdbi;
    private final Clock clock;
    private final PasswordHasher hasher;
    private final Sessions sessions;
    private final AuditLog audit;

    public Users(Jdbi jdbi, Clock clock, PasswordHasher hasher, Sessions sessions, AuditLog audit) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.hasher = hasher;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** Who is changing users: their role bounds what they may grant, and {@code userId} is "self". */
    public record Editor(Role role, String userId, AuditLog.Actor actor) {}

    /** A requested change; null fields stay as they are. */
    public record Change(String email, String name, Role role, Boolean disabled) {}

    public static String normaliseEmail(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    /** Inserts a user on an open handle; used for owners created with their tenant and for operators. */
    User insert(Handle h, String tenantId, String email, String name, String role, String password) {
        if (emailTaken(h, email)) {
            throw new Failure.Conflict("a user with this email already exists");
        }
        Instant now = clock.instant();
        String id = Ids.next("usr", clock);
        try {
            h.createUpdate("""
                    INSERT INTO app_user (id, tenant_id, email, name, role, password_hash, disabled, created_at, updated_at)
                    VALUES (:id, :tenant, :email, :name, :role, :hash, FALSE, :now, :now)""")
                    .bind("id", id).bind("tenant", tenantId).bind("email", normaliseEmail(email)).bind("name", name)
                    .bind("role", role).bind("hash", hasher.hash(password)).bind("now", now)
                    .execute();
        } catch (UnableToExecuteStatementException e) {
            // Lost a race for the email. Recognised by its SQLSTATE, not by asking again: on PostgreSQL the
            // failed statement has aborted the transaction, so any further query would fail as well.
            if (e.getCause() instanceof java.sql.SQLException sql && SqlStates.UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new Failure.Conflict("a user with this email already exists");
            }
            throw e;
        }
        return new User(id, tenantId, normaliseEmail(email), name, role, false, now, now, null, null);
    }

    private static boolean emailTaken(Handle h, String email) {
        return h.createQuery("SELECT COUNT(*) FROM app_user WHERE email = :email")
                .bind("email", normaliseEmail(email)).mapTo(Integer.class).one() > 0;
    }

    public User create(TenantHandle h, Editor editor, String email, String name, Role role, String password) {
        if (!editor.role().atLeast(role)) {
            throw new Failure.Forbidden("you cannot grant the " + role.wire() + " role, which is above your own");
        }
        if (emailTaken(h.raw(), email)) {
            throw new Failure.Conflict("a user with this email already exists");
        }
        User user = insert(h.raw(), h.tenantId(), email, name, role.wire(), password);
        audit.record(h.raw(), h.tenantId(), editor.actor(), "user.created", "user", user.id(),
                Map.of("email", user.email(), "role", role.wire()));
        return user;
    }

    public User get(TenantHandle h, String id) {
        return h.query("SELECT " + User.COLUMNS + " FROM app_user WHERE tenant_id = :tenant AND id = :id")
                .bind("id", id).map((rs, ctx) -> User.map(rs)).findOne()
                .orElseThrow(() -> new Failure.NotFound("user"));
    }

    public List<User> list(TenantHandle h, Pages.Request page) {
        return h.query("SELECT " + User.COLUMNS + """
                 FROM app_user
                WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, ctx) -> User.map(rs)).list();
    }

    public User update(TenantHandle h, Editor editor, String id, Change change) {
        User target = lockTarget(h, editor, id);
        boolean self = target.id().equals(editor.userId());
        Map<String, Object> changed = new LinkedHashMap<>();
        if (change.role() != null && !change.role().wire().equals(target.role())) {
            if (self) {
                throw new Failure.Forbidden("you cannot change your own role");
            }
            if (!editor.role().atLeast(change.role())) {
                throw new Failure.Forbidden("you cannot grant the " + change.role().wire() + " role, which is above your own");
            }
            if (target.tenantRole() == Role.OWNER) {
                requireAnotherOwner(h, target.id());
            }
            changed.put("role", Map.of("from", target.role(), "to", change.role().wire()));
        }
        if (change.disabled() != null && change.disabled() != target.disabled()) {
            if (self) {
                throw new Failure.Forbidden("you cannot disable yourself");
            }
            if (change.disabled() && target.tenantRole() == Role.OWNER) {
                requireAnotherOwner(h, target.id());
            }
            changed.put("disabled", change.disabled());
        }
        String email = change.email() == null ? target.email() : normaliseEmail(change.email());
        if (!email.equals(target.email())) {
            if (emailTaken(h.raw(), email)) {
                throw new Failure.Conflict("a user with this email already exists");
            }
            changed.put("email", Map.of("from", target.email(), "to", email));
        }
        String name = change.name() == null ? target.name() : change.name();
        if (name != null && !name.equals(target.name())) {
            changed.put("name", name);
        }
        if (changed.isEmpty()) {
            return target;
        }
        String role = change.role() == null ? target.role() : change.role().wire();
        boolean disabled = change.disabled() == null ? target.disabled() : change.disabled();
        h.update("""
                UPDATE app_user SET email = :email, name = :name, role = :role, disabled = :disabled, updated_at = :now
                WHERE tenant_id = :tenant AND id = :id""")
                .bind("email", email).bind("name", name).bind("role", role).bind("disabled", disabled)
                .bind("now", clock.instant()).bind("id", id).execute();
        if (disabled || changed.containsKey("role")) {
            sessions.revokeAllOf(h.raw(), id, null);
            revokeKeysAbove(h, id, disabled ? null : Role.parse(role).orElseThrow(), editor.actor());
        }
        audit.record(h.raw(), h.tenantId(), editor.actor(), "user.updated", "user", id, changed);
        return get(h, id);
    }

    public void delete(TenantHandle h, Editor editor, String id) {
        User target = lockTarget(h, editor, id);
        if (target.id().equals(editor.userId())) {
            throw new Failure.Forbidden("you cannot delete yourself");
        }
        if (target.tenantRole() == Role.OWNER) {
            requireAnotherOwner(h, id);
        }
        revokeKeysAbove(h, id, null, editor.actor());
        h.update("DELETE FROM app_user WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute();
        audit.record(h.raw(), h.tenantId(), editor.actor(), "user.deleted", "user", id, Map.of("email", target.email()));
    }

    /**
     * Keeps "a key carries a role no higher than its creator's" true after the creator changes: revokes the
     * user's keys ranked above {@code ceiling}, or all of them when {@code ceiling} is null (disabled, deleted).
     */
    private void revokeKeysAbove(TenantHandle h, String userId, Role ceiling, AuditLog.Actor actor) {
        List<String> roles = java.util.Arrays.stream(Role.values())
                .filter(r -> ceiling == null || !ceiling.atLeast(r)).map(Role::wire).toList();
        if (roles.isEmpty()) {
            return;
        }
        List<String> revoked = h.query("""
                SELECT id FROM api_key
                WHERE tenant_id = :tenant AND created_by = :user AND revoked_at IS NULL AND role IN (<roles>)""")
                .bind("user", userId).bindList("roles", roles).mapTo(String.class).list();
        for (String keyId : revoked) {
            h.update("UPDATE api_key SET revoked_at = :now WHERE tenant_id = :tenant AND id = :id")
                    .bind("now", clock.instant()).bind("id", keyId).execute();
            audit.record(h.raw(), h.tenantId(), actor, "api_key.revoked", "api_key", keyId,
                    Map.of("reason", "its creator " + userId + " lost the role it carries"));
        }
    }

    /** Reads the target under a row lock and checks the editor ranks at least as high as it. */
    private User lockTarget(TenantHandle h, Editor editor, String id) {
        // Owners first, in id order, then the target: every change takes locks in the same order, so two
        // concurrent changes to owners cannot deadlock.
        h.query("SELECT id FROM app_user WHERE tenant_id = :tenant AND role = 'owner' ORDER BY id FOR UPDATE")
                .mapTo(String.class).list();
        User target = h.query("SELECT " + User.COLUMNS + " FROM app_user WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                .bind("id", id).map((rs, ctx) -> User.map(rs)).findOne()
                .orElseThrow(() -> new Failure.NotFound("user"));
        Role targetRole = target.tenantRole();
        if (targetRole != null && !editor.role().atLeast(targetRole)) {
            throw new Failure.Forbidden("you cannot change a user whose role is above your own");
        }
        return target;
    }

    /** Locks the tenant's owners and refuses when {@code leaving} is the last active one. */
    private static void requireAnotherOwner(TenantHandle h, String leaving) {
        List<String> owners = h.query("""
                SELECT id FROM app_user WHERE tenant_id = :tenant AND role = 'owner' AND disabled = FALSE ORDER BY id FOR UPDATE""")
                .mapTo(String.class).list();
        if (owners.stream().noneMatch(o -> !o.equals(leaving))) {
            throw new Failure.Conflict("a tenant must keep at least one active owner", "lastOwner");
        }
    }

    public Optional<User> findByEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + User.COLUMNS + " FROM app_user WHERE email = :email")
                .bind("email", normaliseEmail(email)).map((rs, ctx) -> User.map(rs)).findOne());
    }

    public Optional<User> findById(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + User.COLUMNS + " FROM app_user WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> User.map(rs)).findOne());
    }

    public void touchLogin(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE app_user SET last_login_at = :now WHERE id = :id")
                .bind("now", clock.instant()).bind("id", id).execute());
    }

    /** Sets a new password and ends the user's other sessions. */
    public void changePassword(String userId, String keepSession, String newPassword, AuditLog.Actor actor, String tenantId) {
        String hash = hasher.hash(newPassword);
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE app_user SET password_hash = :hash, updated_at = :now WHERE id = :id")
                    .bind("hash", hash).bind("now", clock.instant()).bind("id", userId).execute();
            sessions.revokeAllOf(h, userId, keepSession);
            audit.record(h, tenantId, actor, "auth.password_changed", "user", userId, Map.of());
        });
    }

    /** Creates a platform operator (no tenant). */
    public User createOperator(String email, String password) {
        return jdbi.inTransaction(h -> {
            User user = insert(h, null, email, null, "operator", password);
            audit.record(h, null, AuditLog.Actor.system("cli"), "operator.created", "user", user.id(), Map.of("email", user.email()));
            return user;
        });
    }
}
