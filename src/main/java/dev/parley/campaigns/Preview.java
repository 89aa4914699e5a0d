package dev.parley.campaigns;

import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.providers.Routing;
import dev.parley.templates.CompiledContent;
import dev.parley.templates.Rendered;
import dev.parley.templates.SmsCount;
import dev.parley.templates.SmsEncoding;
import dev.parley.templates.Templates;
import dev.parley.templates.Variables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What launching a campaign now would do (SPEC §5 preview): the audience counted by {@link Audience}'s verdict
 * (the rules expansion writes rows by), the first message of each variant measured on a sample contact, and
 * the cost by route. One grouped query over the audience, never a loop over its members: eligible members are
 * grouped by the part of their address the price list can tell apart (the first characters of a phone, as
 * many as its longest prefix; an email's domain), and each group is routed once.
 *
 * <p>What a reader could get wrong: the sample is the eligible member with the lowest contact id among the
 * first {@link #SAMPLE_FROM} members (none eligible there: the content rendered without a contact), and SMS
 * segments (and so the SMS cost) are measured on that one rendering; a template whose variables make some
 * recipients' texts longer costs more than estimated. Follow-up steps are not previewed.
 */
public final class Preview {
    private final Dialect dialect;
    private final Templates templates;
    private final Routing routing;

    Preview(Dialect dialect, Templates templates, Routing routing) {
        this.dialect = dialect;
        this.templates = templates;
        this.routing = routing;
    }

    public record Answer(Counts audience, List<VariantPreview> variants, Money costEstimate, List<RouteShare> byRoute) {}

    /**
     * Members of the audience lists ({@code total}, distinct contacts) by verdict; {@code duplicates}: extra memberships;
     * {@code filteredOut}: members the audience's filter does not match.
     */
    public record Counts(long total, long eligible, long suppressed, long optedOut, long missingAddress, long duplicates,
                         long excluded, long filteredOut) {}

    /**
     * One variant's (or the campaign's, named {@code A}) first message for {@code sampleContactId} (null when no
     * member is eligible: rendered without a contact): SMS only {@code sms}, email only {@code subject}.
     */
    public record VariantPreview(String name, int weight, Sms sms, String subject, String sampleContactId) {}

    public record Sms(String encoding, int characters, int segments) {}

    public record Money(String amount, String currency) {}

    /** Eligible recipients routed to a provider through one price-list prefix (null without a price list). */
    public record RouteShare(String providerId, String prefix, long recipients, String price, String currency) {}

    Answer preview(TenantHandle th, CampaignStore.Row row) {
        CampaignInput d = row.definition();
        String channel = row.channel();
        Routing.Table table = routing.get(th, channel);
        int keyLength = table.rules().stream().mapToInt(r -> r.prefix().length()).max().orElse(0);
        String key = channel.equals("email") ? "SUBSTRING(c.email FROM POSITION('@' IN c.email) + 1)"
                : keyLength == 0 ? "''" : "SUBSTRING(c.phone, 1, " + keyLength + ")";
        Audience.Rule rule = Audience.rule(dialect, d, channel);
        var q = th.query("SELECT verdict, CASE WHEN verdict = '" + Audience.ELIGIBLE + "' THEN route_key END, COUNT(*) FROM ("
                        + "SELECT " + rule.verdict() + " AS verdict, " + key + " AS route_key"
                        + " FROM (" + MEMBERS + ") a LEFT JOIN contact c ON c.id = a.contact_id AND c.tenant_id = :tenant) v"
                        + " GROUP BY verdict, CASE WHEN verdict = '" + Audience.ELIGIBLE + "' THEN route_key END")
                .bindList("lists", d.audience().listIds());
        rule.bind(q);
        Map<String, Long> byVerdict = new HashMap<>();
        Map<String, Long> eligibleByKey = new LinkedHashMap<>();
        q.map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)}).forEach(r -> {
            byVerdict.merge((String) r[0], (Long) r[2], Long::sum);
            if (Audience.ELIGIBLE.equals(r[0]) && r[1] != null) {
                eligibleByKey.merge((String) r[1], (Long) r[2], Long::sum);
            }
        });
        long total = byVerdict.values().stream().mapToLong(Long::longValue).sum();
        long memberships = th.query("SELECT COUNT(*) FROM list_member WHERE tenant_id = :tenant AND list_id IN (<lists>)")
                .bindList("lists", d.audience().listIds()).mapTo(Long.class).one();
        Counts counts = new Counts(total, n(byVerdict, Audience.ELIGIBLE), n(byVerdict, Audience.SUPPRESSED),
                n(byVerdict, Audience.OPTED_OUT) + n(byVerdict, Audience.NOT_OPTED_IN), n(byVerdict, Audience.MISSING_ADDRESS),
                memberships - total, n(byVerdict, Audience.EXCLUDED), n(byVerdict, Audience.FILTERED_OUT));
        List<VariantPreview> variants = variants(th, row, rule);
        return costs(th, channel, counts, variants, eligibleByKey);
    }

    /** The sample is the first eligible of this many members in contact id order (none: rendered without a contact). */
    static final int SAMPLE_FROM = 100;

    private static final String MEMBERS = "SELECT DISTINCT contact_id FROM list_member WHERE tenant_id = :tenant AND list_id IN (<lists>)";

    /** Each variant's first message rendered for the sample contact. */
    private List<VariantPreview> variants(TenantHandle th, CampaignStore.Row row, Audience.Rule rule) {
        CampaignInput d = row.definition();
        var q = th.query("SELECT a.contact_id, " + rule.verdict() + " AS verdict, "
                        + Expansion.MEMBER_COLUMNS + " FROM (" + MEMBERS + " ORDER BY contact_id LIMIT " + SAMPLE_FROM + ") a"
                        + " JOIN contact c ON c.id = a.contact_id AND c.tenant_id = :tenant ORDER BY a.contact_id")
                .bindList("lists", d.audience().listIds());
        rule.bind(q);
        Optional<Expansion.Member> sample = q.map((rs, c) -> Expansion.member(rs)).stream()
                .filter(m -> m.verdict().equals(Audience.ELIGIBLE)).findFirst();
        Expansion.Part part = Expansion.Part.first(row);
        List<VariantPreview> out = new ArrayList<>();
        for (int i = 0; i < part.contents().size(); i++) {
            String templateId = part.templateIds().get(i);
            CompiledContent content = templateId != null ? templates.compile(th, templateId)
                    : CompiledContent.compile(part.contents().get(i));
            Rendered r = content.render(sample.map(m -> Variables.of(Expansion.contact(m, true), Map.of())).orElse(Variables.NONE));
            SmsCount count = row.channel().equals("sms") ? SmsEncoding.count(r.text() == null ? "" : r.text()) : null;
            Sms sms = count == null ? null : new Sms(count.encoding().equals(SmsCount.UCS2) ? "UCS-2" : "GSM-7",
                    count.characters(), count.segments());
            out.add(new VariantPreview(part.variants() == null ? "A" : part.variants().get(i),
                    part.weights() == null ? 100 : part.weights().get(i).weight(), sms,
                    row.channel().equals("email") ? r.subject() : null, sample.map(Expansion.Member::contactId).orElse(null)));
        }
        return out;
    }

    /** Routes each group of eligible members once; SMS cost is price × the variants' weighted segments. */
    private Answer costs(TenantHandle th, String channel, Counts counts, List<VariantPreview> variants,
                         Map<String, Long> eligibleByKey) {
        BigDecimal segments = BigDecimal.ONE;
        if (channel.equals("sms")) {
            segments = BigDecimal.ZERO;
            for (VariantPreview v : variants) {
                segments = segments.add(BigDecimal.valueOf((long) v.sms().segments() * v.weight()).movePointLeft(2));
            }
        }
        Routing.Plan plan = routing.plan(th, channel);
        Routing.Table table = routing.get(th, channel);
        Map<List<String>, Long> shares = new LinkedHashMap<>();
        Map<List<String>, String[]> prices = new HashMap<>();
        BigDecimal cost = BigDecimal.ZERO;
        String currency = null;
        boolean priced = !table.rules().isEmpty();
        for (Map.Entry<String, Long> group : eligibleByKey.entrySet()) {
            String address = channel.equals("email") ? "x@" + group.getKey() : group.getKey();
            Optional<Routing.Route> route = plan.choose(address);
            if (route.isEmpty()) {
                priced = false;
                continue;
            }
            Routing.Route r = route.get();
            String prefix = table.rules().stream()
                    .filter(rule -> rule.providerId().equals(r.provider().id()) && Routing.matches(channel, rule.prefix(), address))
                    .map(Routing.Rule::prefix).reduce((a, b) -> b.length() > a.length() ? b : a).orElse(null);
            List<String> shareKey = java.util.Arrays.asList(r.provider().id(), prefix);
            shares.merge(shareKey, group.getValue(), Long::sum);
            prices.put(shareKey, new String[] {r.price() == null ? null : r.price().stripTrailingZeros().toPlainString(), r.currency()});
            if (r.price() == null || (currency != null && !currency.equals(r.currency()))) {
                priced = false;
            } else {
                currency = r.currency();
                cost = cost.add(r.price().multiply(segments).multiply(BigDecimal.valueOf(group.getValue())));
            }
        }
        List<RouteShare> byRoute = new ArrayList<>();
        shares.forEach((k, n) -> byRoute.add(new RouteShare(k.get(0), k.get(1), n, prices.get(k)[0], prices.get(k)[1])));
        Money estimate = priced && currency != null
                ? new Money(cost.setScale(2, RoundingMode.HALF_UP).toPlainString(), currency) : null;
        return new Answer(counts, variants, estimate, byRoute);
    }

    private static long n(Map<String, Long> counts, String verdict) {
        return counts.getOrDefault(verdict, 0L);
    }
}
