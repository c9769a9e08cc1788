package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/** A source of n numbered deals in pages; the checkpoint is the index of the next deal. */
final class FakeDealSource implements DealSource {
    final int total;
    final int pageSize;
    final List<String> openedAt = new CopyOnWriteArrayList<>();
    volatile ExtractionFailure failAtOpen;
    volatile int failAtPage = -1;
    volatile IntConsumer beforePage = page -> { };

    FakeDealSource(int total, int pageSize) {
        this.total = total;
        this.pageSize = pageSize;
    }

    static Deal deal(int i) {
        return new Deal(String.valueOf(1000 + i), "deal " + i, null, null, null, null, null, null, null, null,
                false, null, null, null, Map.of());
    }

    @Override
    public DealStream open(AccessToken token, ExtractionRequest request, String checkpoint) {
        if (failAtOpen != null) throw failAtOpen;
        openedAt.add(String.valueOf(checkpoint));
        int start = checkpoint == null ? 0 : Integer.parseInt(checkpoint);
        return new DealStream() {
            int next = start;
            int page;

            @Override
            public long expectedTotal() {
                return total;
            }

            @Override
            public Optional<DealBatch> next() {
                if (next >= total) return Optional.empty();
                beforePage.accept(page);
                if (page++ == failAtPage) {
                    throw new ExtractionFailure(new ScanError(ScanError.SOURCE_UNAVAILABLE, "HubSpot down", null));
                }
                List<Deal> deals = new ArrayList<>();
                int end = Math.min(total, next + pageSize);
                for (int i = next; i < end; i++) deals.add(deal(i));
                next = end;
                return Optional.of(new DealBatch(deals, 0, String.valueOf(end)));
            }

            @Override
            public SourceStats stats() {
                return new SourceStats(page, 0, 0);
            }

            @Override
            public void close() {
            }
        };
    }
}
