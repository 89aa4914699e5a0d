package dev.parley.tenancy;

import dev.parley.core.Principal;
import dev.parley.http.HttpServer;
import dev.parley.http.RequestIds;
import io.javalin.http.Context;

/** Builds the audit actor of a request. */
public final class Actors {
    private Actors() {}

    public static AuditLog.Actor of(Context ctx, Principal who) {
        return new AuditLog.Actor(who == null ? null : who.actorId(), null, HttpServer.clientAddress(ctx), RequestIds.of(ctx));
    }

    public static AuditLog.Actor anonymous(Context ctx, String label) {
        return new AuditLog.Actor(null, label, HttpServer.clientAddress(ctx), RequestIds.of(ctx));
    }
}
