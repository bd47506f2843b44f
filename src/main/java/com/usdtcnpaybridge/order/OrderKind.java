package com.usdtcnpaybridge.order;

import java.util.Map;
import java.util.Optional;

/** The two kinds of order the platform knows, with the endpoints and status table of each. */
public enum OrderKind {
    WITHDRAWAL("/api/submitwithdraw", "/api/getwithdraw", "withdrawNo", Map.of(
            "审核中", OrderState.UNDER_REVIEW,
            "进行中", OrderState.IN_PROGRESS,
            "已驳回", OrderState.REJECTED,
            "已完成", OrderState.COMPLETED)),
    CHARGE("/api/invokecharge", "/api/getcharge", "chargeNo", Map.of(
            "待提交", OrderState.AWAITING_PAYMENT,
            "待确认", OrderState.CONFIRMING,
            "已确认", OrderState.COMPLETED,
            "已取消", OrderState.CANCELLED));

    private final String submitPath;
    private final String detailPath;
    private final String platformOrderNoField;
    private final Map<String, OrderState> statusTable;

    OrderKind(String submitPath, String detailPath, String platformOrderNoField, Map<String, OrderState> statusTable) {
        this.submitPath = submitPath;
        this.detailPath = detailPath;
        this.platformOrderNoField = platformOrderNoField;
        this.statusTable = statusTable;
    }

    public String submitPath() {
        return submitPath;
    }

    public String detailPath() {
        return detailPath;
    }

    public String platformOrderNoField() {
        return platformOrderNoField;
    }

    /** Our state for a platform {@code zt}; empty for a value the platform's guide does not list. */
    public Optional<OrderState> stateFor(String zt) {
        return Optional.ofNullable(zt == null ? null : statusTable.get(zt.trim()));
    }
}
