package dev.parley.campaigns;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A campaign's state machine (SPEC §5; drawn in docs/campaigns.md). The database mirrors it with a CHECK
 * constraint; every change is an {@code UPDATE … WHERE id = ? AND status = :expected} whose row count is
 * checked ({@link CampaignStore#move}), so two callers racing for one transition cannot both win.
 */
public enum CampaignStatus {
    /** Enters: created. Leaves: schedule, launch (→ running), cancel, delete. Editable. */
    DRAFT,
    /** Enters: schedule with a {@code startAt}. Leaves: the {@link CampaignRunner} starts it when due, launch,
     *  cancel, delete, or a PATCH back to draft is not allowed (cancel instead). Editable. */
    SCHEDULED,
    /** Enters: launch, a due start, resume, or retry-failed of a completed campaign. Its rows are claimed while
     *  its expansion goes on. Leaves: pause, cancel, or the runner completes it once expanded and every row settled. */
    RUNNING,
    /** Enters: pause. Its rows are not claimed (sends already in flight finish); expansion continues.
     *  Leaves: resume, cancel. */
    PAUSED,
    /** Enters: the runner, once expanded and no row is scheduled, queued or sending. Leaves: retry-failed. */
    COMPLETED,
    /** Terminal: canceled by a user; its waiting rows are settled {@code canceled}. */
    CANCELED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CampaignStatus> parse(String value) {
        for (CampaignStatus s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static CampaignStatus of(String wire) {
        return parse(wire).orElseThrow(() -> new IllegalStateException("unknown campaign status " + wire));
    }

    /** Whether the definition may still be changed (and the campaign deleted). */
    public boolean editable() {
        return this == DRAFT || this == SCHEDULED;
    }

    /** The states a transition named {@code action} may start from. */
    static Set<CampaignStatus> sourcesOf(String action) {
        return switch (action) {
            case "schedule" -> Set.of(DRAFT, SCHEDULED);
            case "launch" -> Set.of(DRAFT, SCHEDULED);
            case "pause" -> Set.of(RUNNING);
            case "resume" -> Set.of(PAUSED);
            case "cancel" -> Set.of(DRAFT, SCHEDULED, RUNNING, PAUSED);
            case "retry-failed" -> Set.of(RUNNING, PAUSED, COMPLETED);
            case "complete" -> Set.of(RUNNING);
            default -> throw new IllegalArgumentException("no campaign transition " + action);
        };
    }
}
