package dev.parley.delivery;

/** The queued messages of one tenant on one provider account: the unit of fair claiming. */
record Lane(String providerId, String tenantId) {}
