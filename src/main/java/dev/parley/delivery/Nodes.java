package dev.parley.delivery;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The {@code node} table: each running Parley process keeps a row with a heartbeat, so anyone can see who is alive. */
public final class Nodes {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration ALIVE_WITHIN = Duration.ofSeconds(10);

    private final Jdbi jdbi;
    private final Clock clock;

    public Nodes(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public record Node(String id, String role, String host, long pid, String version, Instant startedAt, Instant heartbeatAt) {}

    public void register(String id, String role, String version) {
        Instant now = clock.instant();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        long pid = ProcessHandle.current().pid();
        String h = host;
        jdbi.useHandle(handle -> handle.createUpdate("""
                INSERT INTO node (id, role, host, pid, version, started_at, heartbeat_at)
                VALUES (:id, :role, :host, :pid, :version, :now, :now)""")
                .bind("id", id).bind("role", role).bind("host", h).bind("pid", pid).bind("version", version)
                .bind("now", now).execute());
    }

    void heartbeat(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE node SET heartbeat_at = :now WHERE id = :id")
                .bind("now", clock.instant()).bind("id", id).execute());
    }

    public void stopped(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE node SET stopped_at = :now, heartbeat_at = :now WHERE id = :id")
                .bind("now", clock.instant()).bind("id", id).execute());
    }

    /** Nodes whose heartbeat is recent and that have not stopped. */
    public List<Node> alive() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, role, host, pid, version, started_at, heartbeat_at FROM node
                WHERE stopped_at IS NULL AND heartbeat_at > :since ORDER BY started_at""")
                .bind("since", clock.instant().minus(ALIVE_WITHIN))
                .map((rs, c) -> new Node(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant()))
                .list());
    }
}
