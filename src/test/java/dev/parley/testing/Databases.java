package dev.parley.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.support.ParameterDeclarations;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * Supplies the database kinds a {@code @ParameterizedClass} test runs on: H2 always, PostgreSQL when it
 * answers (and always under CI, where its absence is an error).
 */
public final class Databases implements ArgumentsProvider {
    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        List<Arguments> kinds = new ArrayList<>();
        kinds.add(Arguments.of(TestDatabase.Kind.H2));
        if (TestDatabase.postgresAvailable()) {
            kinds.add(Arguments.of(TestDatabase.Kind.POSTGRESQL));
        }
        return kinds.stream();
    }
}
