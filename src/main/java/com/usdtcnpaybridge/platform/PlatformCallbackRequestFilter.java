package com.usdtcnpaybridge.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What reaches the platform-callback route of a request from the open internet. The route looks at
 * the path and the raw query string only, so this filter, in front of platform-http, makes sure
 * nothing else of the request is ever kept or parsed, by anyone:
 * <ul>
 * <li>a query string longer than {@link #MAX_QUERY_CHARS} is answered 400 and a body declared longer
 * than {@link #MAX_BODY_BYTES} 413, before anything is read;</li>
 * <li>any other body is read and thrown away, at most {@link #MAX_BODY_BYTES} of it (a longer one,
 * chunked, is answered 413 there), so that the connection holds no unread bytes while the route
 * answers on another thread;</li>
 * <li>the route then sees no body, no content type, no form fields and no request parameters
 * (platform-http would otherwise read the whole body into memory and parse a form or multipart
 * body, answering 500 to one that is not).</li>
 * </ul>
 * Its log lines name the size of what was refused, never its content.
 */
public class PlatformCallbackRequestFilter extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformCallbackRequestFilter.class);

    /** Our own callback URLs carry {@code token=} and 32 hex digits; this leaves room for a platform's extras. */
    public static final int MAX_QUERY_CHARS = 1024;
    /** A callback body is never looked at; one larger than this is refused without reading the rest. */
    public static final long MAX_BODY_BYTES = 16 * 1024;

    public static final int BAD_REQUEST = 400;
    public static final int TOO_LARGE = 413;

    /** Request headers that describe the body; hidden with it. */
    private static final List<String> BODY_HEADERS = List.of("content-type", "content-length", "transfer-encoding",
            "content-encoding");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && query.length() > MAX_QUERY_CHARS) {
            LOG.warn("Platform callback refused (400): a query string of {} characters (at most {})", query.length(),
                    MAX_QUERY_CHARS);
            refuse(response, BAD_REQUEST);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            LOG.warn("Platform callback refused (413): a body of {} bytes declared (at most {}), not read", declared,
                    MAX_BODY_BYTES);
            refuse(response, TOO_LARGE);
            return;
        }
        long read = discard(request.getInputStream());
        if (read > MAX_BODY_BYTES) {
            LOG.warn("Platform callback refused (413): a body of more than {} bytes, not read further", MAX_BODY_BYTES);
            refuse(response, TOO_LARGE);
            return;
        }
        chain.doFilter(new WithoutBody(request), response);
    }

    /** Reads and forgets the body, stopping one byte past the limit; how many bytes were read. */
    private static long discard(InputStream body) throws IOException {
        byte[] buffer = new byte[4096];
        long read = 0;
        int n;
        while (read <= MAX_BODY_BYTES
                && (n = body.read(buffer, 0, (int) Math.min(buffer.length, MAX_BODY_BYTES + 1 - read))) >= 0) {
            read += n;
        }
        return read;
    }

    private static void refuse(HttpServletResponse response, int status) {
        // no error page: nothing of the request is echoed back
        response.setStatus(status);
        response.setContentLength(0);
    }

    /** The request as the route may see it: path, query string and headers, with no body. */
    static final class WithoutBody extends HttpServletRequestWrapper {
        WithoutBody(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() {
            return new EmptyInput();
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new StringReader(""));
        }

        @Override
        public String getContentType() {
            return null;
        }

        @Override
        public int getContentLength() {
            return 0;
        }

        @Override
        public long getContentLengthLong() {
            return 0;
        }

        // the servlet container's parameters would parse the query string and a form body; the route reads the
        // raw query string itself
        @Override
        public String getParameter(String name) {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Map.of();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public String[] getParameterValues(String name) {
            return null;
        }

        @Override
        public java.util.Collection<jakarta.servlet.http.Part> getParts() {
            return List.of();
        }

        @Override
        public jakarta.servlet.http.Part getPart(String name) {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }

        @Override
        public long getDateHeader(String name) {
            return hidden(name) ? -1 : super.getDateHeader(name);
        }

        @Override
        public int getIntHeader(String name) {
            return hidden(name) ? -1 : super.getIntHeader(name);
        }

        private static boolean hidden(String name) {
            return name != null && BODY_HEADERS.contains(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final class EmptyInput extends ServletInputStream {
        @Override
        public int read() {
            return -1;
        }

        @Override
        public boolean isFinished() {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}
