package dev.parley.delivery;

/**
 * The queued messages of one tenant's campaign (or its transactional messages, {@code campaignId} null)
 * on one provider account: the unit of fair claiming.
 */
record Lane(String providerId, String tenantId, String campaignId) {
    static final String TRANSACTIONAL = "-";

    String campaignKey() {
        return campaignId == null ? TRANSACTIONAL : campaignId;
    }
}
