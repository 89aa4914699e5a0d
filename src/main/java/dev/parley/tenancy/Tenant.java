package dev.parley.tenancy;

import java.time.Instant;

/** A customer organisation: everything it owns carries its id. */
public record Tenant(String id, String name, String status, Instant createdAt, Instant updatedAt) {
    public boolean suspended() {
        return "suspended".equals(status);
    }
}
