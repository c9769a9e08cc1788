package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

    @Test
    void the_quickstart_prints_every_deal_of_the_account(@TempDir Path dataDir) throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(1_500).seed(7)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build())) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            Quickstart.run(hubspot.baseUrl(), HubSpotSimulator.DEFAULT_TOKEN, dataDir,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));

            List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
            assertTrue(lines.get(0).endsWith("COMPLETED: 1500 deals"), lines.get(0));
            // a deal line starts with its id and a tab (some simulated deal names hold line breaks)
            List<String> ids = lines.stream().skip(1).filter(l -> l.matches("\\d+\t.*")).map(l -> l.split("\t")[0])
                    .toList();
            assertEquals(1_500, ids.size());
            assertEquals(hubspot.portal().deals().stream().map(SimDeal::id).collect(Collectors.toSet()), Set.copyOf(ids));
        }
    }
}
