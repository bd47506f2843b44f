package com.usdtcnpaybridge.platform;

/**
 * What the platform's status values ({@code zt}) mean, one constant per meaning of the guide's
 * tables (see {@link OrderKind}). The order state machine maps each to its state of the same name.
 */
public enum PlatformStatus {
    /** 审核中: a payout the platform is reviewing. */
    UNDER_REVIEW,
    /** 进行中: a payout being paid. */
    IN_PROGRESS,
    /** 待提交: a deposit waiting for the payer. */
    AWAITING_PAYMENT,
    /** 待确认: a deposit paid, being confirmed. */
    CONFIRMING,
    /** 已完成 / 已确认: paid. Final. */
    COMPLETED,
    /** 已驳回: a payout refused. Final. */
    REJECTED,
    /** 已取消: a deposit cancelled. Final. */
    CANCELLED
}
