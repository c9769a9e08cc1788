package io.dealsetl.simulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar hubspot-simulator.jar --port 8719 --deals 5000 --seed 1 [--latency-ms N] [--rate-limit N]
 * [--search-rate-limit N] [--token T] [--custom-properties N] [--archived N] [--shared-timestamp N] [--changed N]
 * [--html502-every N] [--error-every N] [--reset-every N] [--retry-after]}
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig.Builder b = SimulatorConfig.builder().port(8719).deals(5000);
        Faults faults = Faults.NONE;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--retry-after")) {
                b.retryAfterOn429(true);
                continue;
            }
            if (arg.equals("--opaque-cursors")) {
                b.opaqueCursors(true);
                continue;
            }
            if (i + 1 >= args.length) usage("missing value for " + arg);
            String v = args[++i];
            switch (arg) {
                case "--port" -> b.port(Integer.parseInt(v));
                case "--deals" -> b.deals(Integer.parseInt(v));
                case "--seed" -> b.seed(Long.parseLong(v));
                case "--latency-ms" -> b.latency(Duration.ofMillis(Long.parseLong(v)));
                case "--rate-limit" -> b.generalLimit(Integer.parseInt(v), Duration.ofSeconds(10));
                case "--search-rate-limit" -> b.searchLimitPerSecond(Integer.parseInt(v));
                case "--token" -> b.token(v);
                case "--custom-properties" -> b.customProperties(Integer.parseInt(v));
                case "--archived" -> b.archivedDeals(Integer.parseInt(v));
                case "--shared-timestamp" -> b.sharedTimestampDeals(Integer.parseInt(v));
                case "--changed" -> b.changedDeals(Integer.parseInt(v));
                case "--html502-every" -> faults = faults.withHtml502Every(Integer.parseInt(v));
                case "--error-every" -> faults = faults.withServerErrorEvery(Integer.parseInt(v));
                case "--reset-every" -> faults = faults.withResetEvery(Integer.parseInt(v));
                default -> usage("unknown option " + arg);
            }
        }
        SimulatorConfig config = b.faults(faults).build();
        HubSpotSimulator sim = HubSpotSimulator.start(config);
        System.out.println("HubSpot simulator listening on " + sim.baseUrl() + " with " + config.deals() + " deals");
        System.out.println("Valid token: " + config.tokens().keySet().iterator().next());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        new CountDownLatch(1).await();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nUsage: java -jar hubspot-simulator.jar --port 8719 --deals 5000 --seed 1"
                + " [--latency-ms N] [--rate-limit N] [--search-rate-limit N] [--token T] [--custom-properties N]"
                + " [--archived N] [--shared-timestamp N] [--html502-every N] [--error-every N] [--reset-every N]"
                + " [--retry-after]");
        System.exit(2);
    }
}
