package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.core.Failure.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The catalogue of provider types: which channels each serves, which {@code config} settings it takes,
 * which of those are secret, and how to build an account's {@link Provider}. Adding a type (smtp,
 * sendgrid, twilio, smpp) is one entry in {@link #TYPES} and one adapter class.
 *
 * <p>The catalogue is constant data, hence static. {@link #validate} never throws: every problem is a field error the API answers with. {@link #create}
 * trusts nothing either and throws {@link Failure.Invalid} for a config that would not validate.
 */
public final class ProviderTypes {
    private record Type(Set<String> channels, List<ConfigField> fields,
                        Function<ProviderConfig, List<FieldError>> crossCheck, Factory factory) {}

    @FunctionalInterface
    private interface Factory {
        Provider create(ProviderContext context, ProviderConfig config);
    }

    private static final Map<String, Type> TYPES = Map.of(
            "simulator", new Type(Set.of("sms", "email"), SimulatorProvider.FIELDS, SimulatorProvider::crossCheck,
                    (context, config) -> new SimulatorProvider(config)),
            "http", new Type(Set.of("sms", "email"), HttpProvider.FIELDS, config -> List.of(),
                    (context, config) -> new HttpProvider(context.providerId(), config, context.clock())),
            "twilio", new Type(Set.of("sms"), TwilioProvider.FIELDS, TwilioProvider::crossCheck, TwilioProvider::new),
            "smtp", new Type(Set.of("email"), SmtpProvider.FIELDS, SmtpProvider::crossCheck,
                    (context, config) -> new SmtpProvider(context.providerId(), config, context.clock())),
            "sendgrid", new Type(Set.of("email"), SendGridProvider.FIELDS, SendGridProvider::crossCheck,
                    (context, config) -> new SendGridProvider(context.providerId(), config, context.clock())),
            "smpp", new Type(Set.of("sms"), SmppProvider.FIELDS, SmppProvider::crossCheck, SmppProvider::new));

    private ProviderTypes() {}

    /** The type names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(TYPES.keySet());
    }

    /** Every problem with this type, channel and config, on the fields {@code type}, {@code channel}, {@code config.*}. */
    public static List<FieldError> validate(String type, String channel, Map<String, Object> config) {
        Type t = type == null ? null : TYPES.get(type);
        if (t == null) {
            return List.of(new FieldError("type", type == null ? "required" : "invalid",
                    "type must be one of " + String.join(", ", names())));
        }
        List<FieldError> errors = new ArrayList<>();
        if (channel == null || !t.channels().contains(channel)) {
            errors.add(new FieldError("channel", channel == null ? "required" : "invalid",
                    "a " + type + " provider serves " + String.join(" or ", new TreeSet<>(t.channels()))));
        }
        errors.addAll(configErrors(t, config));
        return errors;
    }

    /** The config settings of {@code type} that are write-only in the API and sealed at rest. */
    public static Set<String> secretFields(String type) {
        Type t = TYPES.get(type);
        if (t == null) {
            return Set.of();
        }
        Set<String> secrets = new TreeSet<>();
        t.fields().stream().filter(ConfigField::secret).forEach(f -> secrets.add(f.name()));
        return secrets;
    }

    /** Builds an adapter outside a running node (tests, benchmarks): its callbacks go nowhere. */
    public static Provider create(String providerId, String type, Map<String, Object> config) {
        return create(ProviderContext.detached(providerId, type), type, config);
    }

    /** Builds the adapter for one provider account; the caller closes it when the account changes. */
    public static Provider create(ProviderContext context, String type, Map<String, Object> config) {
        String providerId = context.providerId();
        Type t = TYPES.get(type);
        List<FieldError> errors = t == null
                ? List.of(new FieldError("type", "invalid", "unknown provider type " + type))
                : configErrors(t, config);
        if (!errors.isEmpty()) {
            throw new Failure.Invalid("provider " + providerId + " has an invalid configuration", errors);
        }
        return t.factory().create(context, ProviderConfig.of(t.fields(), config));
    }

    private static List<FieldError> configErrors(Type t, Map<String, Object> config) {
        List<FieldError> errors = ProviderConfig.check(t.fields(), config);
        return errors.isEmpty() ? t.crossCheck().apply(ProviderConfig.of(t.fields(), config)) : errors;
    }
}
