package com.usdtcnpaybridge.store;

import java.util.ArrayList;
import java.util.List;

/** What a batch of compare-and-set UPDATEs, one row each, won for this caller. */
public final class CompareAndSet {
    private CompareAndSet() {
    }

    /**
     * The candidates whose UPDATE changed its row, in their order. Some drivers answer
     * SUCCESS_NO_INFO (-2) for a batched row: that is a success too.
     */
    public static <T> List<T> won(List<T> candidates, int[] updated) {
        List<T> won = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            if (updated[i] == 1 || updated[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                won.add(candidates.get(i));
            }
        }
        return won;
    }
}
