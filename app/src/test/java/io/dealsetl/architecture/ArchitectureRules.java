package io.dealsetl.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture as rules a build checks: the folder tree says hexagonal, these make it stay so. Each rule is
 * shown to fail on a deliberate violation in {@code ArchitectureRulesTest}.
 */
final class ArchitectureRules {
    private ArchitectureRules() {
    }

    /** The domain speaks the business in plain Java: the JDK and itself, nothing else. */
    static final ArchRule DOMAIN_DEPENDS_ON_THE_JDK_ONLY = classes().that().resideInAPackage("io.dealsetl.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.dealsetl.domain..", "java..")
            .as("the domain depends on the JDK only");

    /**
     * Each adapter translates one technology for the domain and knows no other adapter; only the wiring (the
     * engine for library users, the app for the service) sees more than one.
     */
    static final ArchRule ADAPTERS_MEET_ONLY_IN_THE_WIRING = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("domain").definedBy("io.dealsetl.domain..")
            .layer("hubspot adapter").definedBy("io.dealsetl.hubspot..")
            .layer("persistence adapter").definedBy("io.dealsetl.postgres..")
            .layer("http adapter").definedBy("io.dealsetl.http..")
            .layer("engine").definedBy("io.dealsetl.engine..")
            .layer("app").definedBy("io.dealsetl.app..")
            .whereLayer("app").mayNotBeAccessedByAnyLayer()
            .whereLayer("engine").mayOnlyBeAccessedByLayers("app")
            .whereLayer("http adapter").mayOnlyBeAccessedByLayers("app")
            .whereLayer("hubspot adapter").mayOnlyBeAccessedByLayers("engine", "app")
            .whereLayer("persistence adapter").mayOnlyBeAccessedByLayers("engine", "app")
            .as("adapters do not depend on one another; only the engine and the app see more than one");

    /** Every package of every module, each on its own: no two reach each other, directly or round about. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.dealsetl.(**)").should().beFreeOfCycles()
            .as("no package cycles");

    /** Public and nested only in public classes: a type other packages can name (a member of a package-private type is not). */
    private static final DescribedPredicate<JavaClass> REACHABLE_FROM_OUTSIDE =
            new DescribedPredicate<>("reachable from other packages") {
                @Override
                public boolean test(JavaClass type) {
                    for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
                        if (!c.getModifiers().contains(JavaModifier.PUBLIC)) return false;
                    }
                    return true;
                }
            };

    /** An adapter shows its door and nothing else; the rest is package-private, free to change. */
    static final ArchRule ADAPTER_INTERNALS_ARE_NOT_PUBLIC = classes()
            .that().resideInAnyPackage("io.dealsetl.hubspot..", "io.dealsetl.postgres..", "io.dealsetl.http..",
                    "io.dealsetl.engine..")
            .and().arePublic().and(REACHABLE_FROM_OUTSIDE)
            .should().haveNameMatching(String.join("|",
                    "io\\.dealsetl\\.hubspot\\.HubSpotDealSource",
                    "io\\.dealsetl\\.hubspot\\.HubSpotSettings(\\$\\w+)?",
                    "io\\.dealsetl\\.postgres\\.PostgresStore(\\$\\w+)?",
                    "io\\.dealsetl\\.postgres\\.DatabaseSettings",
                    "io\\.dealsetl\\.postgres\\.embedded\\.EmbeddedDatabase",
                    "io\\.dealsetl\\.postgres\\.embedded\\.DataDirectoryInUseException",
                    "io\\.dealsetl\\.http\\.HttpApi(\\$\\w+)?",
                    "io\\.dealsetl\\.http\\.HttpSettings",
                    "io\\.dealsetl\\.http\\.ServiceInfo",
                    "io\\.dealsetl\\.http\\.HttpTelemetry(\\$\\w+)?",
                    "io\\.dealsetl\\.engine\\.DealsEtl(\\$\\w+)?"))
            .as("adapter internals are not public: each adapter has one door");

    /** No domain model package reaches the ports or the use cases: the model is the vocabulary, not the machinery. */
    static final ArchRule MODEL_APART_FROM_USE_CASES = noClasses()
            .that().resideInAnyPackage("io.dealsetl.domain.access..", "io.dealsetl.domain.deal..",
                    "io.dealsetl.domain.scan..", "io.dealsetl.domain.dataset..", "io.dealsetl.domain.schedule..")
            .should().dependOnClassesThat().resideInAnyPackage("io.dealsetl.domain.port..", "io.dealsetl.domain.usecase..")
            .as("the domain's model does not depend on its ports or use cases");
}
