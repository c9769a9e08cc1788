package io.dealsetl.app;

import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.postgres.Postgres;
import io.dealsetl.postgres.PostgresApiKeyRepository;
import io.dealsetl.postgres.PostgresSchedules;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code keys create --tenants acme,globex|* --permissions scans.read,scans.write,deals.read [--name ci]}:
 * stores a new API key (hashed) in the configured database and prints it once. {@code keys rotate-tokens}:
 * re-encrypts the stored HubSpot tokens that TOKEN_ENCRYPTION_KEY_PREVIOUS sealed with TOKEN_ENCRYPTION_KEY.
 */
final class KeysCommand {
    private KeysCommand() {
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
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
        Config config = Config.fromEnvironment(env);
        try (App.Database database = App.Database.open(config)) {
            ApiKeys keys = new ApiKeys(new PostgresApiKeyRepository(Postgres.jdbi(database.pool())), Clock.systemUTC());
            ApiKeys.Issued issued = keys.create(options.getOrDefault("name", "cli"), permissions, scope);
            out.println("Created API key " + issued.key().id() + " (shown once, store it now):");
            out.println(issued.plainText());
            return 0;
        }
    }

    private static int rotateTokens(Map<String, String> env, PrintStream out, PrintStream err) {
        Config config;
        try {
            config = Config.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("Configuration error: " + e.getMessage());
            return 2;
        }
        if (config.previousTokenKey() == null || config.tokenEncryptionKey() == null) {
            err.println("Set TOKEN_ENCRYPTION_KEY to the new key and TOKEN_ENCRYPTION_KEY_PREVIOUS to the old one"
                    + " (see docs/configuration.md, \"Rotating the token key\")");
            return 2;
        }
        try (App.Database database = App.Database.open(config)) {
            PostgresSchedules.Rotation done = PostgresSchedules.rotateTokens(Postgres.jdbi(database.pool()),
                    database.tokenCipher());
            out.println("Re-encrypted " + done.reEncrypted() + " stored token(s) with the current key; "
                    + done.current() + " already used it.");
            if (done.unreadable() > 0) {
                err.println(done.unreadable() + " stored token(s) open with neither key; their scans and schedules"
                        + " cannot run until they are given the token again.");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("Configuration error: " + e.getMessage());
            return 2;
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
        return "Usage: java -jar hubspot-deals-etl.jar keys create --tenants <id,id,...|*>"
                + " --permissions <scans.read,scans.write,deals.read> [--name <label>]"
                + "\n       java -jar hubspot-deals-etl.jar keys rotate-tokens";
    }
}
