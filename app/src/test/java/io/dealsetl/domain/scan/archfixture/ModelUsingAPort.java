package io.dealsetl.domain.scan.archfixture;

/** Breaks "the model stays apart from ports and use cases", for ArchitectureRulesTest. */
public class ModelUsingAPort {
    io.dealsetl.domain.port.ScanRepository scans;
}
