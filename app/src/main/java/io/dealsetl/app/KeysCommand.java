package io.dealsetl.app;

import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.embedded.DataDirectoryInUseException;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code keys create --tenants acme,globex|* --permissions scans.read,scans.write,deals.read [--name ci]}:
 * stores a new API key (hashed) in the configured database and prints it once.
 */
final class KeysCommand {
    private KeysCommand() {
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length > 0 && Arrays.stream(args).anyMatch(Main::isHelp)) {
            out.println(usage());
            return 0;
        }
        if (args.length == 1 && args[0].equals("rotate-tokens")) return rotateTokens(env, out, err);
        if (args.length == 0 || !args[0].equals("create")) {
            err.println(usage());
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                err.println("Unexpected argument: " + arg + "\n" + usage());
                return 2;
            }
            options.put(arg.substring(2), args[++i]);
        }
        TenantScope scope;
        Set<Permission> permissions;
        try {
            scope = scope(required(options, "tenants"));
            permissions = permissions(required(options, "permissions"));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + usage());
            return 2;
        }
        return withStore(env, err, store -> {
            ApiKeys keys = new ApiKeys(store.apiKeys(), Clock.systemUTC());
            ApiKeys.Issued issued = keys.create(options.getOrDefault("name", "cli"), permissions, scope);
            out.println("Created API key " + issued.key().id() + " (shown once, store it now):");
            out.println(issued.plainText());
            return 0;
        });
    }

    private static int rotateTokens(Map<String, String> env, PrintStream out, PrintStream err) {
        if (env.get("TOKEN_ENCRYPTION_KEY_PREVIOUS") == null || env.get("TOKEN_ENCRYPTION_KEY") == null) {
            err.println("Set TOKEN_ENCRYPTION_KEY to the new key and TOKEN_ENCRYPTION_KEY_PREVIOUS to the old one"
                    + " (see docs/configuration.md, \"Rotating the token key\")");
            return 2;
        }
        return withStore(env, err, store -> {
            PostgresStore.Rotation done = store.rotateTokens();
            out.println("Re-encrypted " + done.reEncrypted() + " stored token(s) with the current key; "
                    + done.current() + " already used it.");
            if (done.unreadable() > 0) {
                err.println(done.unreadable() + " stored token(s) open with neither key; their scans and schedules"
                        + " cannot run until they are given the token again.");
            }
            return 0;
        });
    }

    /**
     * Runs the command on the service's database: DATABASE_URL's, or the embedded one in DATA_DIR, through the
     * running service's server when one owns it (it keeps the directory to itself), else started for the command.
     */
    private static int withStore(Map<String, String> env, PrintStream err, Function<PostgresStore, Integer> command) {
        Config config;
        try {
            config = Config.fromEnvironment(env);
        } catch (Config.InvalidConfigException e) {
            e.problems().forEach(problem -> err.println("Configuration error: " + problem));
            return 2;
        }
        Logging.configure(config);
        try {
            Optional<DatabaseSettings> running = config.embeddedDatabase()
                    ? EmbeddedDatabase.runningIn(App.embeddedDirectory(config)) : Optional.empty();
            if (running.isPresent() || !config.embeddedDatabase()) {
                DatabaseSettings database = running.orElseGet(() -> DatabaseSettings.fromUrl(config.databaseUrl(), 2));
                return withStore(database, config, command);
            }
            try (EmbeddedDatabase embedded = EmbeddedDatabase.start(App.embeddedDirectory(config))) {
                return withStore(embedded.settings(), config, command);
            }
        } catch (DataDirectoryInUseException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static int withStore(DatabaseSettings database, Config config, Function<PostgresStore, Integer> command) {
        PostgresStore.Builder settings = PostgresStore.builder(database.withMaxPoolSize(2))
                .tokenEncryptionKey(TokenKeys.key(config));
        if (config.previousTokenKey() != null) settings.previousTokenEncryptionKey(config.previousTokenKey());
        try (PostgresStore store = settings.open()) {
            return command.apply(store);
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) throw new IllegalArgumentException("--" + name + " is required");
        return value;
    }

    static TenantScope scope(String tenants) {
        if (tenants.equals("*")) return TenantScope.ALL;
        Set<String> ids = new LinkedHashSet<>();
        for (String t : tenants.split(",")) {
            if (!t.isBlank()) ids.add(t.strip());
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("--tenants needs tenant ids or *");
        return TenantScope.of(ids);
    }

    static Set<Permission> permissions(String list) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String p : list.split(",")) {
            if (p.isBlank()) continue;
            permissions.add(Permission.fromWireName(p.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "Unknown permission '" + p.strip() + "'; use " + Arrays.stream(Permission.values())
                            .map(Permission::wireName).toList())));
        }
        if (permissions.isEmpty()) throw new IllegalArgumentException("--permissions needs at least one permission");
        return permissions;
    }

    private static String usage() {
        return """
                Usage: java -jar hubspot-deals-etl.jar keys create --tenants <id,id,...|*> \
                           --permissions <scans.read,scans.write,deals.read> [--name <label>]

                Stores a new API key, hashed, in the service's database (DATABASE_URL, or the embedded one in
                DATA_DIR) and prints it once.
                  --tenants       tenant ids the key may act for, comma-separated, or * for every tenant
                  --permissions   scans.read (status, stats, metrics), scans.write (start, cancel, delete),
                                  deals.read (results)
                  --name          a label to tell keys apart (default: cli)

                Usage: java -jar hubspot-deals-etl.jar keys rotate-tokens

                Re-encrypts with TOKEN_ENCRYPTION_KEY every stored HubSpot token that TOKEN_ENCRYPTION_KEY_PREVIOUS
                sealed (see docs/configuration.md, "Rotating the token key").""";
    }
}
