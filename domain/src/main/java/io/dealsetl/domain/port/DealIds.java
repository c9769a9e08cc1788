package io.dealsetl.domain.port;

import java.util.List;

/** The ids of a tenant's dataset deals, read page by page in a fixed order, as a stream resumes them. */
@FunctionalInterface
public interface DealIds {

    /**
     * Up to {@code limit} ids following {@code afterId} in the dataset's id order (null for the first page); fewer
     * than {@code limit}, possibly none, at the end. Archived deals (tombstones) are left out.
     *
     * @throws StorageUnavailableException when the database cannot be reached
     */
    List<String> after(String afterId, int limit);
}
