package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code parley.jar} as a separate OS process, started with the java of the running JVM.
 * Standard output and error are read continuously (so the child never blocks on a full pipe) and kept
 * line by line. {@link #serve} waits for the {@code {"event":"ready","port":N}} line within a deadline;
 * {@link #run} runs an administrative command to completion. {@link #close()} always ends the process:
 * SIGTERM first, then SIGKILL if it does not go.
 *
 * <p>The child gets the test JVM's environment without any {@code PARLEY_*} variable (only those the
 * test passes) and without {@code JAVA_TOOL_OPTIONS} and friends, whose "Picked up …" notice on stderr
 * would spoil assertions about stderr.
 */
public final class ParleyProcess implements AutoCloseable {
    public static final Duration READY_DEADLINE = Duration.ofSeconds(30);
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(30);
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(20);

    /** JVM options for commands that run for a second or so: C1 only and the serial collector. */
    public static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static final String EOF = new String("<eof>");
    private static Path scratch;

    private final List<String> command;
    private final Process process;
    private final long startedNanos;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<String> stdoutQueue = new LinkedBlockingQueue<>();
    private final Thread outPump;
    private final Thread errPump;
    private volatile boolean stdoutEnded;
    private int port = -1;
    private long readyNanos;

    private ParleyProcess(List<String> command, Map<String, String> env, Path workDir) {
        this.command = command;
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        this.startedNanos = System.nanoTime();
        try {
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The child reads nothing from stdin.
        }
        this.outPump = pump(process.getInputStream(), stdout, true);
        this.errPump = pump(process.getErrorStream(), stderr, false);
    }

    /** The packaged jar under test (system property {@code parley.jar}, set by the failsafe plugin). */
    public static Path jar() {
        String jar = System.getProperty("parley.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property parley.jar must name the packaged jar (run through 'mvnw verify'), got " + jar);
        }
        return Path.of(jar).toAbsolutePath();
    }

    /** The java launcher of the running JVM. */
    public static String java() {
        Path home = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(home)) {
            return home.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Starts {@code parley ARGS...} without waiting. The working directory is {@code PARLEY_DATA_DIR} when
     * given, else a scratch directory, so a default {@code ./parley-data} never lands in the source tree.
     */
    public static ParleyProcess start(Map<String, String> env, String... args) {
        return start(List.of(), env, args);
    }

    private static ParleyProcess start(List<String> jvmOptions, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        String dataDir = env.get("PARLEY_DATA_DIR");
        return new ParleyProcess(command, env, dataDir != null ? Path.of(dataDir) : scratch());
    }

    /** Starts {@code parley serve --port 0 EXTRA...} and waits for its ready line. */
    public static ParleyProcess serve(Map<String, String> env, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0"));
        args.addAll(List.of(extraArgs));
        ParleyProcess p = start(env, args.toArray(String[]::new));
        try {
            return p.awaitReady(READY_DEADLINE);
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /**
     * Runs {@code parley ARGS...} to completion within {@link #COMMAND_DEADLINE}. These short-lived
     * commands get {@link #SHORT_LIVED_JVM} options, which only trade peak speed for less start-up CPU.
     */
    public static Result run(Map<String, String> env, String... args) {
        try (ParleyProcess p = start(SHORT_LIVED_JVM, env, args)) {
            return p.awaitExit(COMMAND_DEADLINE);
        }
    }

    /** Waits for {@code {"event":"ready","port":N}} on stdout; fails if the process exits or the deadline passes. */
    public ParleyProcess awaitReady(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no ready line within " + deadline + " from " + command + "\n" + describe());
            }
            String line;
            try {
                line = stdoutQueue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the ready line", e);
            }
            if (line == EOF) {
                awaitQuietly(Duration.ofSeconds(5));
                throw new AssertionError("exited before ready" + exitDescription() + "\n" + describe());
            }
            if (line != null && line.startsWith("{")) {
                JsonNode json = parse(line);
                if (json != null && "ready".equals(json.path("event").asText())) {
                    readyNanos = System.nanoTime();
                    port = json.path("port").asInt(-1);
                    if (port <= 0) {
                        throw new AssertionError("ready line without a port: " + line);
                    }
                    return this;
                }
            }
        }
    }

    /** Waits for the process to end on its own, then for its output to be read completely. */
    public Result awaitExit(Duration deadline) {
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + deadline + ": " + command + "\n" + describe());
            }
            outPump.join(Duration.ofSeconds(5));
            errPump.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new Result(process.exitValue(), String.join("\n", snapshot(stdout)), String.join("\n", snapshot(stderr)));
    }

    /**
     * Sends SIGTERM and waits up to {@code deadline} for the exit; fails (and kills) when it does not come.
     * Signals through {@link ProcessHandle#destroy()}: {@link Process#destroy()} would also close our ends
     * of the child's stdout and stderr, losing everything it logs while shutting down.
     */
    public Result stop(Duration deadline) {
        sigterm();
        return awaitExit(deadline);
    }

    /** SIGTERM, leaving the output pipes open. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /**
     * SIGKILL, as a crash or the OOM killer would: no shutdown hook runs, nothing is released. Returns once
     * the process is gone. Signals through the handle, so what the child wrote before dying is still read.
     */
    public void kill() {
        process.toHandle().destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("still alive 10 s after SIGKILL: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a killed process to end", e);
        }
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("not ready yet");
        }
        return port;
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + port());
    }

    /** {@link System#nanoTime()} just before the process was started. */
    public long startedNanos() {
        return startedNanos;
    }

    /** {@link System#nanoTime()} when the ready line was read. */
    public long readyNanos() {
        return readyNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public List<String> stdoutLines() {
        return snapshot(stdout);
    }

    public List<String> stderrLines() {
        return snapshot(stderr);
    }

    /** Ends the process whatever its state: SIGTERM, then SIGKILL after {@link #STOP_DEADLINE}. */
    @Override
    public void close() {
        if (process.isAlive()) {
            sigterm();
            try {
                if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** How a finished command went. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : stdout.lines().toList();
        }

        public List<String> stderrLines() {
            return stderr.isEmpty() ? List.of() : stderr.lines().toList();
        }

        /** Stdout as exactly one JSON object on one line; fails otherwise. */
        public JsonNode singleJsonObject() {
            List<String> lines = stdoutLines().stream().filter(l -> !l.isBlank()).toList();
            if (lines.size() != 1) {
                throw new AssertionError("expected exactly one line on stdout, got " + lines.size() + "\n" + this);
            }
            JsonNode json = parse(lines.get(0));
            if (json == null || !json.isObject()) {
                throw new AssertionError("stdout is not one JSON object\n" + this);
            }
            return json;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Parses a whole line as JSON, or null when it is not (trailing content counts as not). */
    public static JsonNode parse(String line) {
        try {
            var parser = Json.mapper().createParser(line);
            JsonNode node = Json.mapper().readTree(parser);
            if (node == null || parser.nextToken() != null) {
                return null;
            }
            return node;
        } catch (IOException e) {
            return null;
        }
    }

    private Thread pump(InputStream in, List<String> sink, boolean isStdout) {
        return Thread.ofPlatform().daemon().name("parley-" + process.pid() + (isStdout ? "-out" : "-err")).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                    if (isStdout) {
                        stdoutQueue.add(line);
                    }
                }
            } catch (IOException ignored) {
                // The process went away; what was read is kept.
            } finally {
                if (isStdout) {
                    stdoutEnded = true;
                    stdoutQueue.add(EOF);
                }
            }
        });
    }

    private void awaitQuietly(Duration d) {
        try {
            process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
            errPump.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String exitDescription() {
        return process.isAlive() ? " (stdout closed, process still alive)" : " with code " + process.exitValue();
    }

    private String describe() {
        return "--- stdout\n" + String.join("\n", stdoutLines()) + "\n--- stderr\n" + String.join("\n", stderrLines())
                + (stdoutEnded ? "\n(stdout ended)" : "");
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static synchronized Path scratch() {
        if (scratch == null) {
            try {
                scratch = Files.createTempDirectory("parley-cwd-");
                scratch.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }
}
