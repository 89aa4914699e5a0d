package dev.parley.app;

/** A configuration value is missing or wrong; the message is one line naming the setting. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem, null, false, false);
    }
}
