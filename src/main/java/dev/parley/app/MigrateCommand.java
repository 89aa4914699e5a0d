package dev.parley.app;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code parley migrate}: applies database migrations and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply database migrations and exit.")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Config config = common.resolve(Map.of());
        try (Parley parley = Parley.open(config)) {
            System.out.println("{\"migrated\":true,\"database\":\"" + parley.database().dialect().displayName() + "\"}");
        }
        return 0;
    }
}
