package com.usdtcnpaybridge.platform;

/** The platform's view of one order (getwithdraw / getcharge), whichever response shape carried it. */
public record OrderDetail(String orderNo, String platformOrderNo, String createTime, String zt) {
}
