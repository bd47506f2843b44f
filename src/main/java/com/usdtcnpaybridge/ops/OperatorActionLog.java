package com.usdtcnpaybridge.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One log line per operator action, whichever way it came (the {@code /ops/} page's buttons or
 * curl): who (the authenticated operator), what (method and path: suspend/resume a route, re-poll
 * an order, replay an event), and the answer's status. Reads are not logged. The path is cut and
 * cleaned; no body or header is ever logged.
 */
public class OperatorActionLog extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorActionLog.class);
    private static final int MAX_PATH = 200;

    private final String actuatorBase;

    public OperatorActionLog(String actuatorBase) {
        this.actuatorBase = actuatorBase;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
                || !request.getRequestURI().startsWith(actuatorBase + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String operator = request.getRemoteUser();
        if (operator == null) {
            chain.doFilter(request, response); // refused by the login wall before it got here
            return;
        }
        MDC.put("operator", operator);
        try {
            chain.doFilter(request, response);
        } finally {
            LOG.info("Operator {}: {} {} -> {}", operator, request.getMethod(), clean(request.getRequestURI()),
                    response.getStatus());
            MDC.remove("operator");
        }
    }

    static String clean(String path) {
        String cut = path.length() > MAX_PATH ? path.substring(0, MAX_PATH) : path;
        return cut.replaceAll("[^A-Za-z0-9/._~-]", "_");
    }
}
