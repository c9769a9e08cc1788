package io.dealsetl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The domain is pure Java: it imports the JDK and itself, never an adapter or a library. */
class DependencyRuleTest {

    @Test
    void domain_sources_import_only_the_jdk_and_the_domain() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offending = files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(DependencyRuleTest::imports)
                    .filter(line -> !line.matches("import (static )?(java|javax\\.annotation)\\..*")
                            && !line.matches("import (static )?io\\.dealsetl\\.domain\\..*"))
                    .toList();
        }
        assertThat(offending).isEmpty();
    }

    private static Stream<String> imports(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> l.startsWith("import "))
                    .map(l -> file.getFileName() + ": " + l).map(l -> l.substring(l.indexOf("import ")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
