package dev.parley.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies the log format and level of the resolved configuration to logback. */
final class Logs {
    private Logs() {}

    static void apply(Config config) {
        System.setProperty("parley.log.format", config.logFormat());
        System.setProperty("parley.log.level", config.logLevel().toUpperCase(Locale.ROOT));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (Exception e) {
                System.err.println("parley: could not configure logging: " + e.getMessage());
            }
        }
    }
}
