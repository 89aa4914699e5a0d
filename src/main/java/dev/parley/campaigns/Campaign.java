package dev.parley.campaigns;

import dev.parley.templates.Content;
import java.time.Instant;
import java.util.List;

/** A campaign as the API shows it; {@code progress} only on a single read. */
public record Campaign(String id, String name, String channel, String status, CampaignInput.Audience audience,
                       String templateId, Content content, String from, CampaignInput.Window sendWindow,
                       Double ratePerSecond, String guarantee, String validFor, List<String> tags, boolean requireOptIn,
                       List<CampaignInput.Variant> variants, List<CampaignInput.Step> steps, Instant startAt, Instant startedAt, Instant completedAt, Instant createdAt, Instant updatedAt,
                       Progress progress) {

    Campaign withProgress(Progress p) {
        return new Campaign(id, name, channel, status, audience, templateId, content, from, sendWindow, ratePerSecond,
                guarantee, validFor, tags, requireOptIn, variants, steps, startAt, startedAt, completedAt, createdAt, updatedAt, p);
    }
}
