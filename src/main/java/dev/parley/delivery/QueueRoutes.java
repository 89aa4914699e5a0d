package dev.parley.delivery;

import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/queues}: the queue board and retries of failed or unknown messages by filter; operators see every tenant. */
public final class QueueRoutes {
    private final Jdbi jdbi;
    private final QueueBoard board;
    private final Ledger ledger;
    private final Runnable onRequeued;

    public QueueRoutes(Jdbi jdbi, QueueBoard board, Ledger ledger, Runnable onRequeued) {
        this.jdbi = jdbi;
        this.board = board;
        this.ledger = ledger;
        this.onRequeued = onRequeued;
    }

    record RetryBody(String status, String campaignId, String providerId, Instant since) {}

    public void register(Api api) {
        api.get("/v1/queues", Access.role(Role.SUPERVISOR), this::board);
        api.post("/v1/queues/retry", Access.role(Role.SUPERVISOR), this::retry);
        api.get("/v1/operator/queues", Access.operator(), (ctx, who) -> Replies.json(ctx, 200, jdbi.withHandle(board::platform)));
    }

    private void board(Context ctx, Principal who) {
        Replies.json(ctx, 200, jdbi.withHandle(h -> board.board(new TenantHandle(h, who.tenantId()))));
    }

    private void retry(Context ctx, Principal who) {
        RetryBody b = Bodies.read(ctx, RetryBody.class);
        MessageStatus status = MessageStatus.parse(b.status()).orElse(null);
        new Checks().required("status", b.status())
                .check(b.status() == null || status == MessageStatus.FAILED || status == MessageStatus.UNKNOWN, "status",
                        "invalid", "status must be failed or unknown")
                .check(b.campaignId() == null || dev.parley.core.Ids.looksLike("cmp", b.campaignId()), "campaignId", "invalid",
                        "campaignId is not a campaign id")
                .check(b.providerId() == null || dev.parley.core.Ids.looksLike("prv", b.providerId()), "providerId", "invalid",
                        "providerId is not a provider id")
                .done();
        int n = jdbi.inTransaction(h -> ledger.retry(new TenantHandle(h, who.tenantId()),
                new Ledger.RetryFilter(status, b.campaignId(), b.providerId(), b.since()), who.actorId()));
        onRequeued.run();
        Replies.json(ctx, 200, Map.of("requeued", n));
    }
}
