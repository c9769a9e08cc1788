package io.dealsetl.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production classes of every module (the app's test class path holds them all) against the rules. */
class ArchitectureTest {
    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // other modules' test helpers arrive as test-jars, which the predefined option does not recognise
                .withImportOption(location -> !location.contains("-tests.jar"))
                .withImportOption(location -> !location.contains("/io/dealsetl/architecture/"))
                .importPackages("io.dealsetl");
    }

    @Test
    void the_domain_depends_on_the_jdk_only() {
        ArchitectureRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY.check(production);
    }

    @Test
    void adapters_meet_only_in_the_wiring() {
        ArchitectureRules.ADAPTERS_MEET_ONLY_IN_THE_WIRING.check(production);
    }

    @Test
    void no_package_depends_on_itself_round_about() {
        ArchitectureRules.NO_PACKAGE_CYCLES.check(production);
    }

    @Test
    void each_adapter_shows_only_its_door() {
        ArchitectureRules.ADAPTER_INTERNALS_ARE_NOT_PUBLIC.check(production);
    }

    @Test
    void the_domain_model_stays_apart_from_ports_and_use_cases() {
        ArchitectureRules.MODEL_APART_FROM_USE_CASES.check(production);
    }
}
