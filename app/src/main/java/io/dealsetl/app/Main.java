package io.dealsetl.app;

import java.util.Arrays;

/**
 * {@code java -jar hubspot-deals-etl.jar} serves the API; {@code ... keys create ...} issues an API key;
 * {@code ... keys rotate-tokens} re-encrypts stored HubSpot tokens after a key change.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                    System.out, System.err));
        }
        if (args.length > 0) {
            System.err.println("Unknown arguments: " + String.join(" ", args)
                    + "\nUsage: java -jar hubspot-deals-etl.jar            serve the API (settings from the environment)"
                    + "\n       java -jar hubspot-deals-etl.jar keys create --tenants <ids|*> --permissions <list> [--name N]"
                    + "\n       java -jar hubspot-deals-etl.jar keys rotate-tokens");
            System.exit(2);
        }
        Config config;
        try {
            config = Config.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        App app = App.start(config);
        // SIGTERM and Ctrl-C: checkpoint running scans and release their leases before exiting
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }
}
