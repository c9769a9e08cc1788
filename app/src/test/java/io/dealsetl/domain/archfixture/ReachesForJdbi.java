package io.dealsetl.domain.archfixture;

/** Breaks "the domain depends on the JDK only", for ArchitectureRulesTest. */
public class ReachesForJdbi {
    org.jdbi.v3.core.Jdbi jdbi;
}
