package io.dealsetl.archfixture.a;

/** With {@code b.Second}, a package cycle, for ArchitectureRulesTest. */
public class First {
    io.dealsetl.archfixture.b.Second second;
}
