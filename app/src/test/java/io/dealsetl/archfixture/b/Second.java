package io.dealsetl.archfixture.b;

/** With {@code a.First}, a package cycle, for ArchitectureRulesTest. */
public class Second {
    io.dealsetl.archfixture.a.First first;
}
