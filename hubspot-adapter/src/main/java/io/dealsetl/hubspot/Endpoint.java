package io.dealsetl.hubspot;

/** What a request is for: its metric label (a fixed template, never a URL) and the budget it spends. */
enum Endpoint {
    LIST("list", Budget.GENERAL),
    ARCHIVED_LIST("archived_list", Budget.GENERAL),
    SEARCH("search", Budget.SEARCH),
    BATCH_READ("batch_read", Budget.GENERAL),
    /**
     * v4 association batch read. Counted against the general budget: the spec's ten-secondly exemption flag is
     * not confirmed by any HubSpot prose (FACTS §10.7), and assuming it could earn 429s.
     */
    ASSOCIATIONS("associations_batch_read", Budget.GENERAL),
    PROPERTIES("properties", Budget.GENERAL),
    PIPELINES("pipelines", Budget.GENERAL);

    /** HubSpot counts search apart from every other request (FACTS §1.3, §3). */
    enum Budget {
        GENERAL, SEARCH;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    final String label;
    final Budget budget;

    Endpoint(String label, Budget budget) {
        this.label = label;
        this.budget = budget;
    }
}
