package dev.parley.inbound;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Principal;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.providers.HookRequest;
import dev.parley.providers.ProviderRegistry;
import dev.parley.providers.WebhookReceiver;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /hooks/{type}/{providerId}/{kind}}: provider callbacks (SPEC §3). No credential: the
 * provider's own signature is the credential, verified by the account's adapter before anything is
 * stored; a forged or unsigned call is answered 401 and leaves no trace. The URL handed to the adapter is
 * {@code PARLEY_BASE_URL} + the path and query, which is what the provider signed when Parley's public
 * address is configured right (docs/providers.md).
 */
public final class HookRoutes {
    private static final Set<String> KINDS = Set.of("status", "inbound", "events");

    private final ProviderRegistry registry;
    private final Callbacks callbacks;
    private final Supplier<String> baseUrl;

    public HookRoutes(ProviderRegistry registry, Callbacks callbacks, Supplier<String> baseUrl) {
        this.registry = registry;
        this.callbacks = callbacks;
        this.baseUrl = baseUrl;
    }

    public void register(Api api) {
        api.post("/hooks/{type}/{providerId}/{kind}", Access.open(), this::receive);
    }

    private void receive(Context ctx, Principal nobody) {
        String type = ctx.pathParam("type");
        String providerId = ctx.pathParam("providerId");
        String kind = ctx.pathParam("kind");
        if (!KINDS.contains(kind) || !Ids.looksLike("prv", providerId)) {
            throw new Failure.NotFound("callback endpoint");
        }
        ProviderRegistry.Live live = registry.get(providerId)
                .filter(l -> l.row().type().equals(type))
                .orElseThrow(() -> new Failure.NotFound("callback endpoint"));
        if (!(live.provider() instanceof WebhookReceiver receiver)) {
            throw new Failure.NotFound("callback endpoint");
        }
        String query = ctx.queryString();
        String url = baseUrl.get().replaceAll("/+$", "") + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
        WebhookReceiver.HookReply reply = receiver.receive(new HookRequest(kind, url, ctx.method().name(), headers(ctx),
                ctx.bodyAsBytes()));
        callbacks.publish(providerId, reply.events());
        if (reply.contentType() == null) {
            ctx.status(204);
        } else {
            ctx.status(200).contentType(reply.contentType()).result(reply.body());
        }
    }

    private static Map<String, List<String>> headers(Context ctx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            List<String> values = new ArrayList<>();
            ctx.req().getHeaders(name).asIterator().forEachRemaining(values::add);
            out.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
        }
        return out;
    }
}
