package dev.parley.bench;

import picocli.CommandLine.Command;

/**
 * {@code parley bench …}: the benchmarks of SPEC §7. Each prints its figures and the machine it ran on
 * ({@link Machine}); the figures go into {@code docs/performance.md} with the command that made them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {DeliveryBench.class, ImportBench.class, LaunchBench.class, CampaignBench.class})
public final class BenchCommand {
}
