package dev.parley.campaigns;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A/B variants: which variant a contact gets. The choice is a pure function of the campaign id and the
 * contact id (a 64-bit FNV-1a hash, mixed, taken modulo 100 and laid over the cumulative weights), so a
 * resumed or repeated expansion assigns every contact the same variant, on any node.
 *
 * <p>What a reader could get wrong: the split is statistical, not exact; 1,000 contacts at 70/30 land
 * within a few percent of 700/300, never exactly by construction.
 */
final class Variants {
    static final int MIN = 2;
    static final int MAX = 5;
    static final int NAME_MAX = 40;

    private Variants() {}

    /** The index in {@code variants} of the contact's variant; weights sum to 100. */
    static int assign(String campaignId, String contactId, List<CampaignInput.Variant> variants) {
        int bucket = bucket(campaignId, contactId);
        int cumulative = 0;
        for (int i = 0; i < variants.size(); i++) {
            cumulative += variants.get(i).weight();
            if (bucket < cumulative) {
                return i;
            }
        }
        return variants.size() - 1;
    }

    /** 0 to 99, uniform over contacts, fixed for a campaign and contact. */
    static int bucket(String campaignId, String contactId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (campaignId + ":" + contactId).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53e99b5L;
        h ^= h >>> 33;
        return (int) Long.remainderUnsigned(h, 100);
    }
}
