package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's calls on the {@code successUrl}/{@code failUrl} we handed it. A call is only a
 * hint: a genuine one makes its order due for a query now, and the query's answer alone moves the
 * order. Nothing of the request but the order number and the outcome in the path and the token in
 * the query string is looked at: not the body, not form fields, not headers.
 *
 * <p>Answers, as HTTP status codes for the route:
 * <ul>
 * <li>204: genuine, the order will be queried at the next poll cycle;</li>
 * <li>403: forged (token not ours for this order, unknown order) or replayed. A callback URL works
 * once per order: a second call, or any call for an order that is already final, is a replay. So a
 * leaked URL can cost at most one extra query, and nothing ever changes on its say-so;</li>
 * <li>409: genuine but early, the order is still being sent (not yet accepted by us): call again;</li>
 * <li>404: the path names neither {@code success} nor {@code fail};</li>
 * <li>400: the query string cannot be read (a malformed percent-encoding in any of its parts).</li>
 * </ul>
 * What is too long to be looked at, and the body, never get this far: see
 * {@link PlatformCallbackRequestFilter}.
 */
public class PlatformCallbackHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformCallbackHandler.class);

    public static final int DUE_NOW = 204;
    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int NOT_YET = 409;

    private final PlatformCallbackTokens tokens;
    private final OrderStore orders;

    public PlatformCallbackHandler(PlatformCallbackTokens tokens, OrderStore orders) {
        this.tokens = tokens;
        this.orders = orders;
    }

    /**
     * Handles one call; returns the HTTP status to answer with.
     *
     * @param query the raw query string of the request ({@code token=...})
     */
    public int handle(String orderNo, String outcome, String query) {
        String token;
        try {
            token = tokenIn(query);
        } catch (IllegalArgumentException e) {
            LOG.warn("Platform callback for order {} refused (400): its query string is not well-formed",
                    printable(orderNo));
            return BAD_REQUEST;
        }
        if (!"success".equals(outcome) && !"fail".equals(outcome)) {
            return NOT_FOUND;
        }
        // the HMAC first: a forged call costs no database read
        if (!tokens.verify(orderNo, token)) {
            LOG.warn("Platform callback ({}) for order {} refused: token does not match", outcome, printable(orderNo));
            return FORBIDDEN;
        }
        Optional<PaymentOrder> found = orders.findByOrderNo(orderNo);
        if (found.isEmpty() || !sameToken(found.get().callbackToken(), token)) {
            LOG.warn("Platform callback ({}) for order {} refused: no such order took this token", outcome,
                    printable(orderNo));
            return FORBIDDEN;
        }
        PaymentOrder order = found.get();
        return com.usdtcnpaybridge.order.OrderLogContext.with(order, () -> take(order, outcome));
    }

    /** Makes a verified callback's order due now, once; what to answer the platform. */
    private int take(PaymentOrder order, String outcome) {
        String orderNo = order.orderNo();
        if (orders.takeCallback(orderNo, outcome)) {
            LOG.info("Platform callback ({}) for order {}: it will be queried at the next poll cycle", outcome,
                    orderNo);
            return DUE_NOW;
        }
        OrderState state = orders.findByOrderNo(orderNo).map(PaymentOrder::state).orElse(order.state());
        if (state == OrderState.NEW || state == OrderState.SUBMITTING) {
            LOG.info("Platform callback ({}) for order {} while it is {}: asked to call again", outcome, orderNo,
                    state);
            return NOT_YET;
        }
        LOG.warn("Platform callback ({}) for order {} refused as a replay: the order is {}{}", outcome, orderNo, state,
                state.isTerminal() ? "" : " and its callback was already taken");
        return FORBIDDEN;
    }

    /**
     * The one {@code token} parameter of a raw query string; null when absent or given twice.
     *
     * @throws IllegalArgumentException when any name or value of the query is not well-formed
     *     percent-encoding (the whole query is read, not only the token)
     */
    static String tokenIn(String query) {
        if (query == null) {
            return null;
        }
        String token = null;
        boolean twice = false;
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("token")) {
                twice |= token != null;
                token = token == null ? value : token;
            }
        }
        return twice ? null : token;
    }

    private static boolean sameToken(String stored, String given) {
        return stored != null && MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** An order number from the request path, safe to put in a log line (no control characters, bounded). */
    static String printable(String orderNo) {
        if (orderNo == null) {
            return "<none>";
        }
        String cut = orderNo.length() > 64 ? orderNo.substring(0, 64) + "…" : orderNo;
        return cut.replaceAll("[^\\p{L}\\p{N}_.:-]", "?");
    }
}
