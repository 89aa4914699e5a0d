package dev.parley.app;

import dev.parley.core.Json;
import dev.parley.http.Checks;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.Tenants;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parley tenant create}: makes a tenant with its owner and an owner API key; prints them as JSON. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants.",
        subcommands = {TenantCommand.Create.class})
final class TenantCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a tenant, its owner and an API key; prints one JSON object.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--name", required = true, description = "The tenant's name.")
        String name;

        @Option(names = "--admin-email", required = true, description = "The owner's login email.")
        String adminEmail;

        @Option(names = "--admin-password", description = "The owner's password (at least 10 characters); generated and printed when omitted.")
        String adminPassword;

        @Override
        public Integer call() {
            new Checks().required("--name", name).maxLength("--name", name, 200)
                    .email("--admin-email", adminEmail).length("--admin-password", adminPassword, 10, 1024).done();
            Config config = common.resolve(Map.of());
            try (Parley parley = Parley.open(config)) {
                Tenants.Created created = parley.tenants().create(name.trim(), adminEmail, adminPassword, AuditLog.Actor.system("cli"));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tenantId", created.tenantId());
                out.put("adminUserId", created.adminUserId());
                out.put("apiKey", created.apiKey());
                if (created.adminPassword() != null) {
                    out.put("adminPassword", created.adminPassword());
                }
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
