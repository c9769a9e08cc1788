package io.dealsetl.app;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar hubspot-deals-etl.jar} serves the API; {@code ... keys create ...} issues an API key.
 * Exit codes: 0 done, 1 could not start (database, port), 2 bad arguments or settings.
 */
public final class Main {
    static final String USAGE = """
            Usage: java -jar hubspot-deals-etl.jar            serve the API (settings from the environment)
                   java -jar hubspot-deals-etl.jar keys create --tenants <id,id,...|*> --permissions <list> [--name <label>]
                   java -jar hubspot-deals-etl.jar keys rotate-tokens   re-encrypt stored tokens after a key change
                   java -jar hubspot-deals-etl.jar --help      this text (also: keys --help, keys create --help)

            Settings (environment variables; all optional; docs/configuration.md says more):
              PORT (5200)  BIND_ADDRESS (0.0.0.0)  DATABASE_URL (unset: embedded PostgreSQL in DATA_DIR)
              DATA_DIR (./data)  HUBSPOT_BASE_URL (https://api.hubapi.com)  ETL_API_KEY  TOKEN_ENCRYPTION_KEY
              TOKEN_ENCRYPTION_KEY_PREVIOUS  SCHEDULE_POLL_SECONDS (5)
              WORKER_THREADS (4)  SCAN_LEASE_SECONDS (30)  SCAN_POLL_MILLIS (1000)  INCREMENTAL_OVERLAP_MINUTES (10)
              RESULTS_CONCURRENCY (2 x cores)  LOG_FORMAT (text|json)  LOG_LEVEL (INFO)
              METRICS_ACCESS (public|api_key|off)""";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                    System.out, System.err));
        }
        if (args.length == 1 && isHelp(args[0])) {
            System.out.println(USAGE);
            System.exit(0);
        }
        if (args.length > 0) {
            System.err.println("Unknown arguments: " + String.join(" ", args) + "\n" + USAGE);
            System.exit(2);
        }
        Config config = configOrExit(System.getenv(), System.err);
        Logging.configure(config); // before the first logger is made
        Logger log = LoggerFactory.getLogger(Main.class);
        App app;
        try {
            app = App.start(config);
        } catch (RuntimeException e) {
            log.error("cannot start: {}", Failures.describe(e));
            log.debug("start failure", e);
            System.exit(1);
            return;
        }
        // SIGTERM and Ctrl-C: checkpoint running scans and release their leases before exiting
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }

    static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /** The settings, or exit 2 with one line per unusable setting (no stack trace, no secret). */
    static Config configOrExit(Map<String, String> env, PrintStream err) {
        List<String> problems;
        try {
            return Config.fromEnvironment(env);
        } catch (Config.InvalidConfigException e) {
            problems = e.problems();
        }
        for (String problem : problems) err.println("Configuration error: " + problem);
        System.exit(2);
        throw new IllegalStateException("unreachable");
    }
}
