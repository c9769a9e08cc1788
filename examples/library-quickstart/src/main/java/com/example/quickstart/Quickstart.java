package com.example.quickstart;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.engine.DealsEtl;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** Extracts one HubSpot account's deals into PostgreSQL and prints them: {@code HUBSPOT_TOKEN=pat-... java ...}. */
public final class Quickstart {

    public static void main(String[] args) throws Exception {
        run(System.getenv().getOrDefault("HUBSPOT_BASE_URL", "https://api.hubapi.com"), System.getenv("HUBSPOT_TOKEN"),
                Path.of("data"), System.out);
    }

    static void run(String hubspotUrl, String token, Path dataDir, PrintStream out) throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"));
             DealsEtl etl = DealsEtl.builder(database.settings())
                     .hubspot(HubSpotSettings.defaults(hubspotUrl))
                     .tokenEncryptionKey(System.getenv("TOKEN_ENCRYPTION_KEY")) // optional: lets scans resume after a restart
                     .build()) {
            Scan scan = etl.scans().start("acme", ScanType.FULL, ScanConfig.defaults(), new AccessToken(token));
            Scan done = etl.scans().awaitFinished(scan.id(), Duration.ofMinutes(30));
            out.println(done.id() + " " + done.status() + ": " + done.progress().processedItems() + " deals");
            for (int page = 1; ; page++) {
                var results = etl.scans().results(done, new DealQuery(page, 1000, null, null, null, null)).page();
                for (var stored : results.items()) {
                    Deal deal = stored.deal();
                    out.println(deal.id() + "\t" + deal.name() + "\t" + deal.amount() + "\t" + deal.stage());
                }
                if (!results.hasNext()) break;
            }
        }
    }
}
