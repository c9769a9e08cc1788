package io.dealsetl.hubspot.archfixture;

/** Breaks "adapters do not depend on one another" and "one door per adapter", for ArchitectureRulesTest. */
public class ReachesIntoPersistence {
    io.dealsetl.postgres.DatabaseSettings settings;
}
