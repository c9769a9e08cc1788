package io.dealsetl.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** A rule is worth having only if it can fail: each one against a deliberate violation (the archfixture classes). */
class ArchitectureRulesTest {
    static final JavaClasses WITH_VIOLATIONS = new ClassFileImporter().importPackages(
            "io.dealsetl.domain.archfixture", "io.dealsetl.hubspot.archfixture", "io.dealsetl.archfixture",
            "io.dealsetl.domain.scan.archfixture", "io.dealsetl.postgres", "io.dealsetl.domain.port");

    @Test
    void a_domain_class_using_a_library_breaks_the_domain_rule() {
        assertBreaks(ArchitectureRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY, "ReachesForJdbi");
    }

    @Test
    void one_adapter_reaching_into_another_breaks_the_layering() {
        assertBreaks(ArchitectureRules.ADAPTERS_MEET_ONLY_IN_THE_WIRING, "ReachesIntoPersistence");
    }

    @Test
    void two_packages_using_each_other_break_the_cycle_rule() {
        assertBreaks(ArchitectureRules.NO_PACKAGE_CYCLES, "archfixture.a.First");
    }

    @Test
    void a_public_class_beside_an_adapters_door_breaks_the_door_rule() {
        assertBreaks(ArchitectureRules.ADAPTER_INTERNALS_ARE_NOT_PUBLIC, "ReachesIntoPersistence");
    }

    @Test
    void a_model_class_using_a_port_breaks_the_model_rule() {
        assertBreaks(ArchitectureRules.MODEL_APART_FROM_USE_CASES, "ModelUsingAPort");
    }

    private static void assertBreaks(ArchRule rule, String violator) {
        assertThatThrownBy(() -> rule.check(WITH_VIOLATIONS)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(violator);
    }
}
