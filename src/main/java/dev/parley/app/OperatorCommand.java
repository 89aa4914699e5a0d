package dev.parley.app;

import dev.parley.core.Json;
import dev.parley.http.Checks;
import dev.parley.tenancy.PasswordHasher;
import dev.parley.tenancy.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parley operator create}: makes a platform operator, who manages tenants. */
@Command(name = "operator", mixinStandardHelpOptions = true, description = "Manage platform operators.",
        subcommands = {OperatorCommand.Create.class})
final class OperatorCommand {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a platform operator; prints one JSON object.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--email", required = true, description = "The operator's login email.")
        String email;

        @Option(names = "--password", description = "At least 10 characters; generated and printed when omitted.")
        String password;

        @Override
        public Integer call() {
            new Checks().email("--email", email).length("--password", password, 10, 1024).done();
            Config config = common.resolve(Map.of());
            String secret = password == null ? PasswordHasher.generate() : password;
            try (Parley parley = Parley.open(config)) {
                User user = parley.users().createOperator(email, secret);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("operatorUserId", user.id());
                out.put("email", user.email());
                if (password == null) {
                    out.put("password", secret);
                }
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
