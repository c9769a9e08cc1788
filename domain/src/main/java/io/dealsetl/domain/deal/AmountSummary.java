package io.dealsetl.domain.deal;

import java.math.BigDecimal;

/**
 * Amount statistics over a set of deals; deals without an amount are left out of all four.
 * All values are zero when no deal has an amount.
 */
public record AmountSummary(BigDecimal total, BigDecimal average, BigDecimal min, BigDecimal max) {
    public static final AmountSummary EMPTY =
            new AmountSummary(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
}
