package dev.parley.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class TenantHandleTest {
    @Test
    void aStatementThatForgetsTheTenantFailsInsteadOfReadingEveryTenant() {
        Jdbi jdbi = Jdbi.create("jdbc:h2:mem:tenant_handle;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE thing (id VARCHAR(10), tenant_id VARCHAR(10))");
            h.execute("INSERT INTO thing VALUES ('a1', 'A'), ('b1', 'B')");
            TenantHandle a = new TenantHandle(h, "A");
            assertThat(a.query("SELECT id FROM thing WHERE tenant_id = :tenant").mapTo(String.class).list()).containsExactly("a1");
            assertThatThrownBy(() -> a.query("SELECT id FROM thing").mapTo(String.class).list())
                    .hasMessageContaining("tenant");
            assertThatThrownBy(() -> a.update("DELETE FROM thing WHERE id = 'b1'").execute())
                    .hasMessageContaining("tenant");
            assertThat(h.createQuery("SELECT COUNT(*) FROM thing").mapTo(Integer.class).one()).isEqualTo(2);
        });
    }
}
