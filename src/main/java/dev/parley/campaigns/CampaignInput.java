package dev.parley.campaigns;

import dev.parley.templates.Content;
import java.util.List;

/**
 * A campaign's definition as a client writes it (SPEC §5): for a create every required field, for a PATCH
 * only the fields to change (null leaves a field as it is). {@link Campaigns} validates it.
 *
 * @param requireOptIn true: only contacts who opted in on the channel; false (default): everyone not opted
 *                     out, the lists themselves being the consent basis (docs/campaigns.md)
 * @param validFor     ISO 8601 duration: a message not sent this long after it became due expires
 */
public record CampaignInput(String name, String channel, Audience audience, String templateId, Content content, String from,
                            Window sendWindow, Double ratePerSecond, String guarantee, String validFor, List<String> tags,
                            Boolean requireOptIn, List<Variant> variants, List<Step> steps) {

    public CampaignInput(String name, String channel, Audience audience, String templateId, Content content, String from,
                         Window sendWindow, Double ratePerSecond, String guarantee, String validFor, List<String> tags,
                         Boolean requireOptIn) {
        this(name, channel, audience, templateId, content, from, sendWindow, ratePerSecond, guarantee, validFor, tags,
                requireOptIn, null, null);
    }

    /**
     * One A/B variant: its share of the audience in percent, and its own content or template. Each contact's
     * variant is fixed by a hash of the campaign and contact ids ({@link Variants}), so a resumed expansion
     * assigns the same one.
     */
    public record Variant(String name, Integer weight, String templateId, Content content) {}

    /**
     * A follow-up step of a sequence: {@code after} (ISO 8601 duration) the previous step's message was sent,
     * when {@code when} holds for that message ({@code always, notReplied, notDelivered, clicked, notClicked}),
     * on {@code channel} (default: the campaign's) with its template or content; {@code stopOnReply}: not for a
     * contact who replied since the campaign's first message.
     */
    public record Step(String after, String when, String channel, String templateId, Content content, Boolean stopOnReply) {}

    /**
     * Who receives it: members of any of {@code listIds}, except members of any of {@code excludeListIds}, and of those
     * only the contacts {@code filter} (may be null) matches.
     */
    public record Audience(List<String> listIds, List<String> excludeListIds, Filter filter) {
        public Audience(List<String> listIds, List<String> excludeListIds) {
            this(listIds, excludeListIds, null);
        }
    }

    /**
     * Which audience members a campaign reaches: those whose {@code attributes} include every one given here, each
     * compared by exact match as the contacts search's {@code attr.KEY=VALUE} does ({@code AttributeMatch}); values
     * are strings, numbers or booleans.
     */
    public record Filter(java.util.Map<String, Object> attributes) {}

    /** Allowed days ({@code MON}…{@code SUN}) and local hours, in the recipient's zone or else {@code fallbackTimezone}. */
    public record Window(List<String> days, String from, String to, String fallbackTimezone) {}

    /** The fields of {@code changes} that are set, over this definition's. */
    CampaignInput merge(CampaignInput changes) {
        boolean newContent = changes.templateId() != null || changes.content() != null;
        boolean newVariants = changes.variants() != null;
        // Content comes either from the campaign or from its variants: setting one replaces the other.
        boolean keepContent = !newContent && !(newVariants && !changes.variants().isEmpty());
        List<Variant> mergedVariants = newVariants ? (changes.variants().isEmpty() ? null : changes.variants())
                : newContent ? null : variants;
        return new CampaignInput(
                or(changes.name(), name), or(changes.channel(), channel), or(changes.audience(), audience),
                newContent ? changes.templateId() : keepContent ? templateId : null,
                newContent ? changes.content() : keepContent ? content : null,
                or(changes.from(), from), or(changes.sendWindow(), sendWindow), or(changes.ratePerSecond(), ratePerSecond),
                or(changes.guarantee(), guarantee), or(changes.validFor(), validFor), or(changes.tags(), tags),
                or(changes.requireOptIn(), requireOptIn), mergedVariants,
                changes.steps() == null ? steps : changes.steps().isEmpty() ? null : changes.steps());
    }

    private static <T> T or(T change, T current) {
        return change != null ? change : current;
    }
}
