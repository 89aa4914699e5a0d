package dev.parley.campaigns;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.Guarantee;
import dev.parley.http.Checks;
import dev.parley.templates.Content;
import dev.parley.templates.MessageTemplate;
import dev.parley.templates.Templates;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * A campaign's definition checked against SPEC §5 and the tenant's lists and templates, with defaults filled:
 * every problem is a {@link Failure.Invalid} naming the field ({@code variants[1].weight}, {@code steps[0].after}).
 * What a reader could get wrong: content is either the campaign's ({@code templateId} or {@code content}) or its
 * variants', never both; each variant and step is checked against its own channel.
 */
final class CampaignDefinitions {
    static final int MAX_LISTS = 50;
    /** Attributes an audience filter may compare. */
    static final int MAX_FILTER_ATTRIBUTES = 10;
    static final Duration MAX_VALID_FOR = Duration.ofDays(30);

    private final Templates templates;

    CampaignDefinitions(Templates templates) {
        this.templates = templates;
    }

    /** Checks a whole definition against SPEC §5 and the tenant's lists and templates; returns it with defaults filled. */
    CampaignInput validate(TenantHandle th, CampaignInput in) {
        Checks checks = new Checks().required("name", in.name()).maxLength("name", in.name(), 200)
                .required("channel", in.channel()).required("audience", in.audience());
        checks.check(in.channel() == null || Templates.CHANNELS.contains(in.channel()), "channel", "invalid",
                "channel must be sms or email");
        CampaignInput.Audience audience = in.audience();
        if (audience != null) {
            checks.check(audience.listIds() != null && !audience.listIds().isEmpty(), "audience.listIds", "required",
                    "audience.listIds needs at least one list");
            checkLists(th, checks, "audience.listIds", audience.listIds());
            checkLists(th, checks, "audience.excludeListIds", audience.excludeListIds());
            checkFilter(checks, audience.filter());
        }
        boolean hasVariants = in.variants() != null && !in.variants().isEmpty();
        if (hasVariants) {
            checks.check(in.templateId() == null && in.content() == null, "content", "invalid",
                    "with variants, each variant has its content; give no templateId or content on the campaign");
        } else {
            checks.check(in.templateId() == null || in.content() == null, "content", "invalid", "give templateId or content, not both");
            checks.check(in.templateId() != null || in.content() != null, "templateId", "required", "templateId or content is required");
        }
        checks.maxLength("from", in.from(), 320);
        Guarantee guarantee = in.guarantee() == null ? Guarantee.AT_MOST_ONCE : Guarantee.parse(in.guarantee()).orElse(null);
        checks.check(guarantee != null, "guarantee", "invalid", "guarantee must be atMostOnce or atLeastOnce");
        checks.check(in.ratePerSecond() == null || (in.ratePerSecond() > 0 && in.ratePerSecond() <= 100_000), "ratePerSecond",
                "range", "ratePerSecond must be more than 0 and at most 100000");
        Duration validFor = null;
        if (in.validFor() != null) {
            try {
                validFor = Duration.parse(in.validFor());
            } catch (DateTimeParseException e) {
                checks.add("validFor", "invalid", "validFor must be an ISO 8601 duration such as PT6H");
            }
            checks.check(validFor == null || (!validFor.isNegative() && !validFor.isZero() && validFor.compareTo(MAX_VALID_FOR) <= 0),
                    "validFor", "range", "validFor must be more than 0 and at most 30 days");
        }
        checks.check(in.tags() == null || (in.tags().size() <= 20 && in.tags().stream().allMatch(t -> t != null && !t.isBlank() && t.length() <= 64)),
                "tags", "invalid", "tags: at most 20, each 1 to 64 characters");
        checks.done();
        if (in.sendWindow() != null) {
            CampaignInput.Window w = in.sendWindow();
            SendWindow.parse(w.days(), w.from(), w.to(), "sendWindow.");
            if (w.fallbackTimezone() != null) {
                try {
                    ZoneId.of(w.fallbackTimezone());
                } catch (DateTimeException e) {
                    throw new Failure.Invalid("sendWindow.fallbackTimezone", "invalid",
                            "sendWindow.fallbackTimezone must be an IANA time zone such as Europe/London");
                }
            }
        }
        if (hasVariants) {
            checkVariants(th, in.channel(), in.variants());
        } else {
            checkContent(th, in.channel(), in.templateId(), in.content(), "");
        }
        List<CampaignInput.Step> steps = in.steps() == null || in.steps().isEmpty() ? null : checkSteps(th, in.channel(), in.steps());
        CampaignInput.Filter filter = audience.filter() == null || audience.filter().attributes().isEmpty() ? null
                : new CampaignInput.Filter(Collections.unmodifiableMap(new LinkedHashMap<>(audience.filter().attributes())));
        return new CampaignInput(in.name().strip(), in.channel(), new CampaignInput.Audience(List.copyOf(audience.listIds()),
                audience.excludeListIds() == null ? List.of() : List.copyOf(audience.excludeListIds()), filter), in.templateId(),
                in.content(), in.from(), in.sendWindow(), in.ratePerSecond(), guarantee.wire(), in.validFor(),
                in.tags() == null ? List.of() : in.tags(), Boolean.TRUE.equals(in.requireOptIn()),
                hasVariants ? List.copyOf(in.variants()) : null, steps);
    }

    /** A template of the tenant on {@code channel}, or inline content that parses; errors name {@code prefix + field}. */
    private void checkContent(TenantHandle th, String channel, String templateId, Content content,
                              String prefix) {
        if (templateId != null && content != null) {
            throw new Failure.Invalid(prefix + "content", "invalid", "give templateId or content, not both");
        }
        if (templateId == null && content == null) {
            throw new Failure.Invalid(prefix + "templateId", "required", "templateId or content is required");
        }
        if (templateId != null) {
            if (!Ids.looksLike("tpl", templateId)) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "templateId is not a template id");
            }
            MessageTemplate t;
            try {
                t = templates.get(th, templateId);
            } catch (Failure.NotFound e) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "no template " + templateId + " in this tenant");
            }
            if (!t.channel().equals(channel)) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "the template is for " + t.channel() + ", not " + channel);
            }
        } else {
            Templates.checkContent(channel, content, prefix + "content.");
        }
    }

    /** 2 to 5 variants with unique names and whole weights summing to 100, each with valid content. */
    private void checkVariants(TenantHandle th, String channel, List<CampaignInput.Variant> variants) {
        if (variants.size() < Variants.MIN || variants.size() > Variants.MAX) {
            throw new Failure.Invalid("variants", "invalid", "give 2 to 5 variants");
        }
        Set<String> names = new HashSet<>();
        int sum = 0;
        for (int i = 0; i < variants.size(); i++) {
            CampaignInput.Variant v = variants.get(i);
            String at = "variants[" + i + "].";
            if (v == null || v.name() == null || v.name().isBlank() || v.name().length() > Variants.NAME_MAX || v.name().equals("-")) {
                throw new Failure.Invalid(at + "name", "invalid", "each variant needs a name of 1 to 40 characters");
            }
            if (!names.add(v.name())) {
                throw new Failure.Invalid(at + "name", "invalid", "variant names must be unique; " + v.name() + " is repeated");
            }
            if (v.weight() == null || v.weight() < 1 || v.weight() > 99) {
                throw new Failure.Invalid(at + "weight", "range", "weight must be a whole percentage from 1 to 99");
            }
            sum += v.weight();
            checkContent(th, channel, v.templateId(), v.content(), at);
        }
        if (sum != 100) {
            throw new Failure.Invalid("variants", "invalid", "variant weights must sum to 100, not " + sum);
        }
    }

    /** At most 10 steps, each with a positive wait, a known condition, a channel and valid content. */
    private List<CampaignInput.Step> checkSteps(TenantHandle th, String channel, List<CampaignInput.Step> steps) {
        if (steps.size() > Sequence.MAX_STEPS) {
            throw new Failure.Invalid("steps", "invalid", "a campaign has at most " + Sequence.MAX_STEPS + " follow-up steps");
        }
        List<CampaignInput.Step> clean = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            CampaignInput.Step s = steps.get(i);
            String at = "steps[" + i + "].";
            if (s == null || s.after() == null) {
                throw new Failure.Invalid(at + "after", "required", "after is required: an ISO 8601 duration such as P2D");
            }
            Duration after;
            try {
                after = Duration.parse(s.after());
            } catch (DateTimeParseException e) {
                throw new Failure.Invalid(at + "after", "invalid", "after must be an ISO 8601 duration such as P2D or PT6H");
            }
            if (after.isNegative() || after.isZero() || after.compareTo(Sequence.MAX_WAIT) > 0) {
                throw new Failure.Invalid(at + "after", "range", "after must be more than 0 and at most 90 days");
            }
            String when = s.when() == null ? "always" : s.when();
            if (!Sequence.CONDITIONS.contains(when)) {
                throw new Failure.Invalid(at + "when", "invalid", "when must be one of " + String.join(", ", Sequence.CONDITIONS));
            }
            String stepChannel = s.channel() == null ? channel : s.channel();
            if (!Templates.CHANNELS.contains(stepChannel)) {
                throw new Failure.Invalid(at + "channel", "invalid", "channel must be sms or email");
            }
            checkContent(th, stepChannel, s.templateId(), s.content(), at);
            clean.add(new CampaignInput.Step(s.after(), when, stepChannel, s.templateId(), s.content(),
                    Boolean.TRUE.equals(s.stopOnReply())));
        }
        return List.copyOf(clean);
    }

    /**
     * An audience filter: {@code attributes} present, at most {@link #MAX_FILTER_ATTRIBUTES}, each named by 1 to 100
     * characters and compared with a string (up to 1,000 characters), a number or a boolean. An empty one is no filter.
     */
    private static void checkFilter(Checks checks, CampaignInput.Filter filter) {
        if (filter == null) {
            return;
        }
        checks.required("audience.filter.attributes", filter.attributes());
        if (filter.attributes() == null) {
            return;
        }
        checks.check(filter.attributes().size() <= MAX_FILTER_ATTRIBUTES, "audience.filter.attributes", "tooMany",
                "audience.filter.attributes compares at most " + MAX_FILTER_ATTRIBUTES + " attributes");
        filter.attributes().forEach((key, value) -> {
            String field = "audience.filter.attributes." + key;
            checks.check(!key.isBlank() && key.length() <= 100, field, "invalid", "an attribute name has 1 to 100 characters");
            checks.check(value instanceof String || value instanceof Number || value instanceof Boolean, field, "type",
                    "an attribute is compared with a string, a number or a boolean");
            checks.check(!(value instanceof String text) || text.length() <= 1_000, field, "tooLong",
                    "a compared value has at most 1000 characters");
        });
    }

    private static void checkLists(TenantHandle th, Checks checks, String field, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        if (ids.size() > MAX_LISTS || ids.stream().anyMatch(id -> !Ids.looksLike("lst", id))) {
            checks.add(field, "invalid", field + " must be at most " + MAX_LISTS + " list ids");
            return;
        }
        Set<String> found = new HashSet<>(th.query("SELECT id FROM contact_list WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bindList("ids", ids).mapTo(String.class).list());
        for (String id : ids) {
            checks.check(found.contains(id), field, "invalid", "no list " + id + " in this tenant");
        }
    }
}
