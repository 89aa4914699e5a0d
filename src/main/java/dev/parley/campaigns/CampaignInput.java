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
                            Boolean requireOptIn) {

    /** Who receives it: members of any of {@code listIds}, except members of any of {@code excludeListIds}. */
    public record Audience(List<String> listIds, List<String> excludeListIds) {}

    /** Allowed days ({@code MON}…{@code SUN}) and local hours, in the recipient's zone or else {@code fallbackTimezone}. */
    public record Window(List<String> days, String from, String to, String fallbackTimezone) {}

    /** The fields of {@code changes} that are set, over this definition's. */
    CampaignInput merge(CampaignInput changes) {
        boolean newContent = changes.templateId() != null || changes.content() != null;
        return new CampaignInput(
                or(changes.name(), name), or(changes.channel(), channel), or(changes.audience(), audience),
                newContent ? changes.templateId() : templateId, newContent ? changes.content() : content,
                or(changes.from(), from), or(changes.sendWindow(), sendWindow), or(changes.ratePerSecond(), ratePerSecond),
                or(changes.guarantee(), guarantee), or(changes.validFor(), validFor), or(changes.tags(), tags),
                or(changes.requireOptIn(), requireOptIn));
    }

    private static <T> T or(T change, T current) {
        return change != null ? change : current;
    }
}
