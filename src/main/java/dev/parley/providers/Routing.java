package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.core.Tokens;
import dev.parley.db.TenantHandle;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Routing (SPEC §3): per tenant and channel, a price list of destination prefixes and the providers that
 * serve them. For one address, every provider with a matching rule is a candidate at the price of its
 * longest matching prefix; candidates are ordered by price, then priority (lower first), then rule order.
 * The first is where the message goes, the rest are its fallbacks in order (the engine moves it on when a
 * provider rejects it without taking it or its circuit is open). With sticky sender on, a recipient who
 * was already reached keeps that provider first, so replies come back to the same number.
 *
 * <p>A prefix is {@code +} and digits for SMS, {@code @domain} for email (matching the address's domain
 * and its subdomains), or empty to match everything. No rule matching means the channel's default
 * provider (the oldest enabled one).
 */
public final class Routing {
    private static final Pattern SMS_PREFIX = Pattern.compile("\\+[0-9]{0,15}");
    private static final Pattern EMAIL_PREFIX = Pattern.compile("@[a-z0-9.-]{1,253}");
    static final int MAX_RULES = 1000;

    private final ProviderStore providers;
    private final Clock clock;

    public Routing(ProviderStore providers, Clock clock) {
        this.providers = providers;
        this.clock = clock;
    }

    /** One price-list line. */
    public record Rule(String prefix, String providerId, BigDecimal price, String currency, Integer priority) {}

    /** A channel's routing. */
    public record Table(String channel, List<Rule> rules, boolean stickySender) {}

    /** Where one message goes: the provider, its price (null without rules), and the fallbacks in order. */
    public record Route(ProviderStore.Row provider, BigDecimal price, String currency, List<String> fallbacks) {}

    public Table get(TenantHandle h, String channel) {
        List<Rule> rules = h.query("""
                SELECT prefix, provider_id, price, currency, priority FROM route_rule
                WHERE tenant_id = :tenant AND channel = :channel ORDER BY position""")
                .bind("channel", channel)
                .map((rs, c) -> new Rule(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).stripTrailingZeros(),
                        rs.getString(4), rs.getInt(5)))
                .list();
        boolean sticky = h.query("SELECT sticky_sender FROM routing WHERE tenant_id = :tenant AND channel = :channel")
                .bind("channel", channel).mapTo(Boolean.class).findOne().orElse(false);
        return new Table(channel, rules, sticky);
    }

    /** Replaces a channel's routing; every rule's provider must be this tenant's and serve the channel. */
    public Table put(TenantHandle h, Table table) {
        List<Failure.FieldError> errors = new ArrayList<>();
        if (table.rules().size() > MAX_RULES) {
            errors.add(new Failure.FieldError("rules", "tooMany", "at most " + MAX_RULES + " rules"));
        }
        Map<String, ProviderStore.Row> known = new HashMap<>();
        for (int i = 0; i < table.rules().size() && errors.isEmpty(); i++) {
            Rule r = table.rules().get(i);
            String at = "rules[" + i + "]";
            if (r == null) {
                errors.add(new Failure.FieldError(at, "required", at + " must be an object"));
                continue;
            }
            Pattern shape = table.channel().equals("sms") ? SMS_PREFIX : EMAIL_PREFIX;
            if (r.prefix() == null || !(r.prefix().isEmpty() || shape.matcher(r.prefix()).matches())) {
                errors.add(new Failure.FieldError(at + ".prefix", "invalid", table.channel().equals("sms")
                        ? "prefix must be '+' and up to 15 digits, or empty for every number"
                        : "prefix must be '@' and a domain, or empty for every address"));
            }
            if (r.price() == null || r.price().signum() < 0 || r.price().compareTo(BigDecimal.valueOf(100_000)) > 0
                    || r.price().scale() > 6) {
                errors.add(new Failure.FieldError(at + ".price", "invalid", "price must be 0 to 100000 with at most 6 decimals"));
            }
            if (r.currency() == null || !r.currency().matches("[A-Z]{3}")) {
                errors.add(new Failure.FieldError(at + ".currency", "invalid", "currency must be an ISO 4217 code such as USD"));
            }
            if (r.priority() != null && (r.priority() < 0 || r.priority() > 1000)) {
                errors.add(new Failure.FieldError(at + ".priority", "range", "priority must be 0 to 1000"));
            }
            if (r.providerId() == null || !dev.parley.core.Ids.looksLike("prv", r.providerId())) {
                errors.add(new Failure.FieldError(at + ".providerId", "invalid", "providerId is not a provider id"));
                continue;
            }
            ProviderStore.Row p = known.computeIfAbsent(r.providerId(), id -> providers.find(h, id).orElse(null));
            if (p == null || !p.channel().equals(table.channel())) {
                errors.add(new Failure.FieldError(at + ".providerId", "invalid",
                        "no " + table.channel() + " provider " + r.providerId() + " in this tenant"));
            }
        }
        if (!errors.isEmpty()) {
            throw new Failure.Invalid(errors.getFirst().message(), errors);
        }
        h.update("DELETE FROM route_rule WHERE tenant_id = :tenant AND channel = :channel").bind("channel", table.channel()).execute();
        var batch = h.raw().prepareBatch("""
                INSERT INTO route_rule (tenant_id, channel, position, prefix, provider_id, price, currency, priority)
                VALUES (:tenant, :channel, :position, :prefix, :provider, :price, :currency, :priority)""");
        for (int i = 0; i < table.rules().size(); i++) {
            Rule r = table.rules().get(i);
            batch.bind("tenant", h.tenantId()).bind("channel", table.channel()).bind("position", i)
                    .bind("prefix", r.prefix()).bind("provider", r.providerId()).bind("price", r.price())
                    .bind("currency", r.currency()).bind("priority", r.priority() == null ? 0 : r.priority()).add();
        }
        if (!table.rules().isEmpty()) {
            batch.execute();
        }
        int updated = h.update("UPDATE routing SET sticky_sender = :sticky, updated_at = :now WHERE tenant_id = :tenant AND channel = :channel")
                .bind("sticky", table.stickySender()).bind("now", clock.instant()).bind("channel", table.channel()).execute();
        if (updated == 0) {
            h.update("INSERT INTO routing (tenant_id, channel, sticky_sender, updated_at) VALUES (:tenant, :channel, :sticky, :now)")
                    .bind("sticky", table.stickySender()).bind("now", clock.instant()).bind("channel", table.channel()).execute();
        }
        return get(h, table.channel());
    }

    /**
     * The route of one message to {@code to} (normalised) on {@code channel}: enabled candidates only, in
     * order; empty when the tenant has no enabled provider for the channel at all.
     */
    public Optional<Route> choose(TenantHandle h, String channel, String to) {
        Plan plan = plan(h, channel);
        List<Plan.Candidate> ordered = plan.candidates(to);
        if (ordered.isEmpty()) {
            return plan.fallbackDefault.map(p -> new Route(p, null, null, List.of()));
        }
        if (plan.stickySender() && ordered.size() > 1) {
            stickyProvider(h, channel, to)
                    .flatMap(id -> ordered.stream().filter(c -> c.provider().id().equals(id)).findFirst())
                    .ifPresent(keep -> {
                        ordered.remove(keep);
                        ordered.addFirst(keep);
                    });
        }
        if (plan.stickySender()) {
            remember(h, channel, to, ordered.getFirst().provider().id());
        }
        return Optional.of(Plan.route(ordered));
    }

    /**
     * A channel's routing loaded once, to route many addresses without a query each (campaign expansion).
     * It ignores sticky sender: a caller that must honour it uses {@link #choose} per address.
     */
    public Plan plan(TenantHandle h, String channel) {
        Table table = get(h, channel);
        Map<String, Optional<ProviderStore.Row>> enabled = new HashMap<>();
        for (Rule r : table.rules()) {
            enabled.computeIfAbsent(r.providerId(), id -> providers.find(h, id).filter(ProviderStore.Row::enabled));
        }
        return new Plan(channel, table, enabled, providers.defaultFor(h, channel));
    }

    /** Routes addresses of one channel from a loaded price list; see {@link #plan}. */
    public static final class Plan {
        private final String channel;
        private final Table table;
        private final Map<String, Optional<ProviderStore.Row>> enabled;
        private final Optional<ProviderStore.Row> fallbackDefault;

        private Plan(String channel, Table table, Map<String, Optional<ProviderStore.Row>> enabled,
                     Optional<ProviderStore.Row> fallbackDefault) {
            this.channel = channel;
            this.table = table;
            this.enabled = enabled;
            this.fallbackDefault = fallbackDefault;
        }

        record Candidate(ProviderStore.Row provider, BigDecimal price, String currency, int priority, int position,
                         int prefixLength) {}

        public boolean stickySender() {
            return table.stickySender();
        }

        /** As {@link Routing#choose} without sticky sender. */
        public Optional<Route> choose(String to) {
            List<Candidate> ordered = candidates(to);
            return ordered.isEmpty() ? fallbackDefault.map(p -> new Route(p, null, null, List.of())) : Optional.of(route(ordered));
        }

        /** The enabled providers with a rule matching {@code to}, each at its longest prefix's price, best first. */
        List<Candidate> candidates(String to) {
            Map<String, Candidate> best = new LinkedHashMap<>();
            for (int i = 0; i < table.rules().size(); i++) {
                Rule r = table.rules().get(i);
                Optional<ProviderStore.Row> p = enabled.getOrDefault(r.providerId(), Optional.empty());
                if (p.isEmpty() || !matches(channel, r.prefix(), to)) {
                    continue;
                }
                Candidate c = new Candidate(p.get(), r.price(), r.currency(), r.priority(), i, r.prefix().length());
                best.merge(r.providerId(), c, (a, b) -> b.prefixLength() > a.prefixLength() ? b : a);
            }
            List<Candidate> ordered = new ArrayList<>(best.values());
            ordered.sort(Comparator.comparing(Candidate::price).thenComparingInt(Candidate::priority)
                    .thenComparingInt(Candidate::position));
            return ordered;
        }

        static Route route(List<Candidate> ordered) {
            Candidate first = ordered.getFirst();
            return new Route(first.provider(), first.price(), first.currency(),
                    ordered.stream().skip(1).map(c -> c.provider().id()).toList());
        }
    }

    /** Whether a price-list prefix matches an address: a phone prefix, or {@code @domain} for the domain and its subdomains. */
    public static boolean matches(String channel, String prefix, String to) {
        if (prefix.isEmpty()) {
            return true;
        }
        if (channel.equals("sms")) {
            return to.startsWith(prefix);
        }
        String domain = prefix.substring(1);
        int at = to.lastIndexOf('@');
        String host = at < 0 ? "" : to.substring(at + 1);
        return host.equals(domain) || host.endsWith("." + domain);
    }

    private Optional<String> stickyProvider(TenantHandle h, String channel, String to) {
        return h.query("""
                SELECT provider_id FROM sticky_sender WHERE tenant_id = :tenant AND channel = :channel AND address_hash = :hash""")
                .bind("channel", channel).bind("hash", Tokens.addressHash(channel, to)).mapTo(String.class).findOne();
    }

    private void remember(TenantHandle h, String channel, String to, String providerId) {
        h.update("""
                INSERT INTO sticky_sender (tenant_id, channel, address_hash, provider_id, created_at)
                VALUES (:tenant, :channel, :hash, :provider, :now) ON CONFLICT DO NOTHING""")
                .bind("channel", channel).bind("hash", Tokens.addressHash(channel, to)).bind("provider", providerId)
                .bind("now", clock.instant()).execute();
    }
}
