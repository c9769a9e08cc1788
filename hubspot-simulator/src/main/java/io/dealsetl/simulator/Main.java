package io.dealsetl.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** Runs the simulator as a process: {@code java -jar hubspot-simulator.jar --help} lists the options. */
public final class Main {
    static final String USAGE = """
            Usage: java -jar hubspot-simulator.jar [options]

            A HubSpot CRM v3 deals API fake on 127.0.0.1, for trying the service and benchmarking it offline.

            Portal:
              --port N                  port to listen on (default 8719; 0 picks a free one)
              --deals N                 active deals (default 5000)
              --seed N                  seed of the generated deals (default 1)
              --token T                 the valid bearer token (default %s)
              --custom-properties N     custom deal properties besides the standard ones (default 0)
              --archived N              archived deals (default 0)
              --shared-timestamp N      the first N deals share one hs_lastmodifieddate (default 0)
              --changed N               N deals, spread through the portal, modified as it starts (default 0)
              --opaque-cursors          list cursors as opaque strings instead of the next record's id
            Associations (deal -> companies, contacts, line items; see docs/simulator.md):
              --no-associations         generated deals have no associations (default: they have)
              --max-companies N         most companies of a generated deal, primary included (default 4)
              --max-contacts N          most contacts of an ordinary generated deal (default 6)
              --max-line-items N        most line items of a generated deal, 0..64 (default 5)
              --many-contacts-deals N   deals with --many-contacts contacts each (default 2)
              --many-contacts N         contacts of each of those deals (default 1037)
              --association-page-size N targets per input in one v4 batch read page (default 500)
              --association-input-limit N  inputs one v4 batch read accepts (default 1000)
              --to-object-id-string     v4 toObjectId as a JSON string (default: a JSON number, as observed)
              --associations-exempt-ten-secondly  v4 batch read and labels spend only the daily budget
              --association-changes-bump-modified  association changes also set hs_lastmodifieddate
              --inline-empty-kinds      v3 inline blocks list a requested kind without links as empty results
            Limits (per token, counted separately as HubSpot does; 0 = unlimited):
              --rate-limit N            general requests per rolling 10 s (default 100)
              --search-rate-limit N     search requests per second (default 5)
              --daily-limit N           requests per day, both kinds (default 250000)
              --daily-used N            requests already made today (default 0)
              --retry-after             send Retry-After on 429s (HubSpot does not document it)
            Behaviour:
              --latency-ms N            answer every request after N ms (default 0)
              --search-index-lag-ms N   search shows deals as they were N ms ago (default 0)
              --search-fault MODE       none | reject (every search 400) | unordered (id-sorted pages reversed)
              --html502-every N         every Nth deal request answers an HTML 502
              --error-every N           every Nth deal request answers 500 or 503
              --reset-every N           every Nth deal request drops the connection
              -h, --help                this text
            """.formatted(HubSpotSimulator.DEFAULT_TOKEN);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig.Builder b = SimulatorConfig.builder().port(8719).deals(5000);
        Faults faults = Faults.NONE;
        AssociationSettings associations = AssociationSettings.DEFAULT;
        long dailyLimit = 250_000;
        long dailyUsed = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                case "--retry-after" -> {
                    b.retryAfterOn429(true);
                    continue;
                }
                case "--opaque-cursors" -> {
                    b.opaqueCursors(true);
                    continue;
                }
                case "--no-associations" -> {
                    associations = associations.withEnabled(false);
                    continue;
                }
                case "--to-object-id-string" -> {
                    associations = associations.withToObjectIdAsString(true);
                    continue;
                }
                case "--association-changes-bump-modified" -> {
                    associations = associations.withChangesBumpModified(true);
                    continue;
                }
                case "--inline-empty-kinds" -> {
                    associations = associations.withInlineEmptyKinds(true);
                    continue;
                }
                case "--associations-exempt-ten-secondly" -> {
                    associations = associations.withExemptFromTenSecondly(true);
                    continue;
                }
                default -> { }
            }
            if (i + 1 >= args.length) usage("missing value for " + arg);
            String v = args[++i];
            try {
                switch (arg) {
                    case "--port" -> b.port(Integer.parseInt(v));
                    case "--deals" -> b.deals(Integer.parseInt(v));
                    case "--seed" -> b.seed(Long.parseLong(v));
                    case "--latency-ms" -> b.latency(Duration.ofMillis(Long.parseLong(v)));
                    case "--rate-limit" -> b.generalLimit(Integer.parseInt(v), Duration.ofSeconds(10));
                    case "--search-rate-limit" -> b.searchLimitPerSecond(Integer.parseInt(v));
                    case "--daily-limit" -> dailyLimit = Long.parseLong(v);
                    case "--daily-used" -> dailyUsed = Long.parseLong(v);
                    case "--token" -> b.token(v);
                    case "--custom-properties" -> b.customProperties(Integer.parseInt(v));
                    case "--archived" -> b.archivedDeals(Integer.parseInt(v));
                    case "--shared-timestamp" -> b.sharedTimestampDeals(Integer.parseInt(v));
                    case "--changed" -> b.changedDeals(Integer.parseInt(v));
                    case "--search-index-lag-ms" -> b.searchIndexLag(Duration.ofMillis(Long.parseLong(v)));
                    case "--search-fault" -> b.searchFault(SimulatorConfig.SearchFault.valueOf(v.toUpperCase(Locale.ROOT)));
                    case "--html502-every" -> faults = faults.withHtml502Every(Integer.parseInt(v));
                    case "--error-every" -> faults = faults.withServerErrorEvery(Integer.parseInt(v));
                    case "--reset-every" -> faults = faults.withResetEvery(Integer.parseInt(v));
                    case "--max-companies" -> associations = associations.withSizes(Integer.parseInt(v),
                            associations.maxContacts(), associations.maxLineItems());
                    case "--max-contacts" -> associations = associations.withSizes(associations.maxCompanies(),
                            Integer.parseInt(v), associations.maxLineItems());
                    case "--max-line-items" -> associations = associations.withSizes(associations.maxCompanies(),
                            associations.maxContacts(), Integer.parseInt(v));
                    case "--many-contacts-deals" -> associations = associations.withManyContacts(Integer.parseInt(v),
                            associations.manyContacts());
                    case "--many-contacts" -> associations = associations.withManyContacts(
                            associations.manyContactsDeals(), Integer.parseInt(v));
                    case "--association-page-size" -> associations = associations.withBatchPageSize(Integer.parseInt(v));
                    case "--association-input-limit" -> associations = associations.withBatchInputLimit(Integer.parseInt(v));
                    default -> usage("unknown option " + arg);
                }
            } catch (IllegalArgumentException e) {
                usage("bad value for " + arg + ": " + v);
            }
        }
        SimulatorConfig config = b.faults(faults).dailyLimit(dailyLimit, dailyUsed).associations(associations).build();
        HubSpotSimulator sim = HubSpotSimulator.start(config);
        System.out.println("HubSpot simulator listening on " + sim.baseUrl() + " with " + config.deals() + " deals");
        System.out.println("Valid token: " + config.tokens().keySet().iterator().next());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        new CountDownLatch(1).await();
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.print(USAGE);
        System.exit(2);
    }
}
