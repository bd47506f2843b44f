package com.usdtcnpaybridge.platform;

import java.util.Map;
import java.util.Optional;

/**
 * The two kinds of order the platform knows — payouts (submitwithdraw/getwithdraw) and deposits
 * (invokecharge/getcharge) — with the status table ({@code zt}) of each, as the platform's guide
 * gives it. The endpoints' paths are placeholders of the routes ({@code usdtcnpay.path.*}).
 */
public enum OrderKind {
    WITHDRAWAL(Map.of(
            "审核中", PlatformStatus.UNDER_REVIEW,
            "进行中", PlatformStatus.IN_PROGRESS,
            "已驳回", PlatformStatus.REJECTED,
            "已完成", PlatformStatus.COMPLETED)),
    CHARGE(Map.of(
            "待提交", PlatformStatus.AWAITING_PAYMENT,
            "待确认", PlatformStatus.CONFIRMING,
            "已确认", PlatformStatus.COMPLETED,
            "已取消", PlatformStatus.CANCELLED));

    private final Map<String, PlatformStatus> statusTable;

    OrderKind(Map<String, PlatformStatus> statusTable) {
        this.statusTable = statusTable;
    }

    /** What a platform {@code zt} means; empty for a value the platform's guide does not list. */
    public Optional<PlatformStatus> statusOf(String zt) {
        return Optional.ofNullable(zt == null ? null : statusTable.get(zt.trim()));
    }
}
