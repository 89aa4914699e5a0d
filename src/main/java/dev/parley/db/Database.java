package dev.parley.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, Jdbi and migrations for one database. With the embedded H2 file database the
 * URL carries {@code AUTO_SERVER=TRUE}: the first process to open the file serves it to the others
 * over loopback, so {@code parley tenant create} works while {@code parley serve} runs.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;

    public Database(Settings settings, MeterRegistry meters) {
        this.dialect = Dialect.fromJdbcUrl(settings.url());
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("parley");
        hikari.setJdbcUrl(settings.url());
        hikari.setUsername(settings.user());
        hikari.setPassword(settings.password());
        hikari.setMaximumPoolSize(settings.poolSize());
        hikari.setMinimumIdle(Math.min(2, settings.poolSize()));
        hikari.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        hikari.setInitializationFailTimeout(Duration.ofSeconds(20).toMillis());
        hikari.setAutoCommit(true);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (dialect == Dialect.POSTGRESQL) {
            // Parley binds whole batches as arrays (unnest); a cached generic plan guesses 10 rows for them and
            // can pick a join order that scans every leased row per batch. Custom plans see the real arrays.
            hikari.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        }
        if (meters != null) {
            hikari.setMetricRegistry(meters);
        }
        this.dataSource = new HikariDataSource(hikari);
        this.jdbi = Jdbi.create(dataSource);
        jdbi.registerArrayType(java.sql.Timestamp.class, dialect.jdbcArrayElement(java.sql.Timestamp.class));
    }

    /** Where to connect. {@code user} and {@code password} may be null for H2. */
    public record Settings(String url, String user, String password, int poolSize) {}

    public static String h2Url(java.nio.file.Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("parley")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;RETENTION_TIME=5000";
    }

    public MigrateResult migrate() {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .placeholders(dialect.migrationPlaceholders())
                .javaMigrations(new IdentifiersByteOrder(dialect))
                .load();
        MigrateResult result = flyway.migrate();
        if (result.migrationsExecuted > 0) {
            log.info("Applied {} migration(s); schema now at version {}", result.migrationsExecuted, result.targetSchemaVersion);
        }
        return result;
    }

    /** True when a connection can run a trivial statement within {@code timeout}. */
    public boolean ping(Duration timeout) {
        var attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                st.execute(dialect.ping());
                return true;
            } catch (Exception e) {
                log.warn("Database ping failed: {}", e.toString());
                return false;
            }
        }, Thread::startVirtualThread);
        try {
            return attempt.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("Database ping took longer than {}", timeout);
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
