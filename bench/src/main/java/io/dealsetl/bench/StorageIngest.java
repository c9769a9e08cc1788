package io.dealsetl.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.scan.AccessToken;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.postgres.Postgres;
import io.dealsetl.postgres.PostgresDealRepository;
import io.dealsetl.postgres.PostgresScanRepository;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.postgres.TokenCipher;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Deals per second the persistence adapter stores, with no HubSpot in the way: the database's share. */
final class StorageIngest {
    private StorageIngest() {
    }

    static double dealsPerSecond(int deals, int batchSize) {
        try (HikariDataSource pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase())) {
            Jdbi jdbi = Postgres.jdbi(pool);
            PostgresScanRepository scans = new PostgresScanRepository(jdbi,
                    TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()), Clock.systemUTC());
            PostgresDealRepository store = new PostgresDealRepository(jdbi);
            Instant now = Instant.now();
            Scan scan = Scan.pending(ScanId.generate(now, new Random()), UUID.randomUUID(), "bench", ScanType.FULL,
                    ScanConfig.defaults(), "bench", null, now);
            scans.insert(scan, new AccessToken("bench"));
            LeasedScan leased = scans.claimNext("bench", now, Duration.ofHours(1)).orElseThrow();
            scans.compareAndSet(ScanStatus.PENDING, leased.scan().start(deals, now), "bench");

            long started = System.nanoTime();
            for (int from = 0; from < deals; from += batchSize) {
                List<Deal> batch = new ArrayList<>(batchSize);
                for (int i = from; i < Math.min(deals, from + batchSize); i++) batch.add(deal(i));
                store.append(scan.id(), "bench", new DealBatch(batch, 0, "c" + from), SourceStats.NONE, now);
            }
            return deals / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static Deal deal(int i) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dealname", "Deal " + i);
        p.put("amount", (i % 5000) + ".50");
        p.put("dealstage", "closedwon");
        p.put("pipeline", "default");
        p.put("closedate", "2025-03-01T00:00:00Z");
        Instant t = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i);
        return new Deal(Long.toString(18_000_000_000L + i), "Deal " + i, new BigDecimal((i % 5000) + ".50"),
                i % 3 == 0 ? "closedwon" : "qualifiedtobuy", "default", t.plusSeconds(86_400), t, t, "77",
                "newbusiness", false, null, "Sales Pipeline", null, p);
    }
}
