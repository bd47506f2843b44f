package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.platform.Masking;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text of the files exchanged with the ERP. Input is decoded strictly: a byte sequence that is
 * not valid in the configured charset refuses the file rather than being replaced, because a
 * replaced character in a name or account would reach the platform as a different payee.
 */
final class BatchText {
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d{8,}");
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private BatchText() {
    }

    /** The text of {@code content}, without a leading BOM; refuses empty, blank or undecodable files. */
    static String decode(byte[] content, Charset charset) {
        if (content.length == 0) {
            throw new BatchRejectedException("empty file");
        }
        boolean unicode = charset.name().startsWith("UTF-");
        // a GBK decoder happily turns a UTF-8 BOM (and often the UTF-8 text after it) into other
        // characters: the mark is the one sure sign that the ERP wrote another charset
        if (!unicode && startsWith(content, UTF8_BOM)) {
            throw new BatchRejectedException("the file starts with a UTF-8 byte order mark but is expected in "
                    + charset.name());
        }
        if (!unicode && content.length >= 2 && ((content[0] == (byte) 0xFE && content[1] == (byte) 0xFF)
                || (content[0] == (byte) 0xFF && content[1] == (byte) 0xFE))) {
            throw new BatchRejectedException("the file starts with a UTF-16 byte order mark but is expected in "
                    + charset.name());
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16L,
                (long) Math.ceil(content.length * (double) decoder.maxCharsPerByte()) + 4));
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new BatchRejectedException("the file is not valid " + charset.name() + " (byte offset "
                    + in.position() + ")");
        }
        out.flip();
        String text = out.toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new BatchRejectedException("empty file");
        }
        return text;
    }

    /**
     * The checks of {@link #decode} made on a stream, chunk by chunk, without holding the file:
     * empty or blank file, a byte-order mark of another charset, a byte sequence not valid in
     * {@code charset} (with its exact byte offset). Returns the SHA-256 of the bytes, hex.
     */
    static String checkAndHash(java.io.InputStream in, Charset charset) throws java.io.IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
        CharBuffer chars = CharBuffer.allocate(64 * 1024);
        byte[] chunk = new byte[32 * 1024];
        long consumed = 0;
        long total = 0;
        boolean first = true;
        boolean text = false;
        boolean unicode = charset.name().startsWith("UTF-");
        int n;
        while ((n = in.read(chunk)) >= 0 || bytes.position() > 0) {
            boolean end = n < 0;
            if (!end) {
                sha.update(chunk, 0, n);
                total += n;
                if (first && n > 0) {
                    byte[] head = java.util.Arrays.copyOf(chunk, Math.min(n, 3));
                    first = false;
                    if (!unicode && startsWith(head, UTF8_BOM)) {
                        throw new BatchRejectedException("the file starts with a UTF-8 byte order mark but is expected in "
                                + charset.name());
                    }
                    if (!unicode && head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)
                            || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
                        throw new BatchRejectedException("the file starts with a UTF-16 byte order mark but is expected in "
                                + charset.name());
                    }
                }
                bytes.put(chunk, 0, n);
            }
            bytes.flip();
            CoderResult result = decoder.decode(bytes, chars, end);
            if (!result.isError() && end) {
                result = decoder.flush(chars);
            }
            if (result.isError()) {
                throw new BatchRejectedException("the file is not valid " + charset.name() + " (byte offset "
                        + (consumed + bytes.position()) + ")");
            }
            consumed += bytes.position();
            bytes.compact();
            chars.flip();
            // the decoding checks every byte; for blankness the first character that is not blank settles it
            while (!text && chars.hasRemaining()) {
                char c = chars.get();
                if (c != '\uFEFF' && !Character.isWhitespace(c)) {
                    text = true;
                }
            }
            chars.clear();
            if (end) {
                break;
            }
        }
        if (total == 0 || !text) {
            throw new BatchRejectedException("empty file");
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** A strict reader of a file {@link #checkAndHash} passed, without its leading BOM. */
    static java.io.Reader reader(java.io.InputStream in, Charset charset) throws java.io.IOException {
        java.io.PushbackReader reader = new java.io.PushbackReader(new java.io.BufferedReader(
                new java.io.InputStreamReader(in, charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024), 1);
        int c = reader.read();
        if (c >= 0 && c != '\uFEFF') {
            reader.unread(c);
        }
        return reader;
    }

    /**
     * Encodes output for the ERP in its charset. A character the charset cannot hold is written
     * as {@code escape} makes it (a character reference in XML, {@code \\uXXXX} in JSON), so
     * nothing is lost where the format has a way to say it.
     */
    static byte[] encode(String text, Charset charset, IntFunction<String> escape) {
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean ok = n == 1 ? encoder.canEncode(text.charAt(i)) : encoder.canEncode(text.substring(i, i + n));
            if (!ok && safe == null) {
                safe = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (safe != null) {
                if (ok) {
                    safe.appendCodePoint(cp);
                } else {
                    safe.append(escape.apply(cp));
                }
            }
            i += n;
        }
        String out = safe == null ? text : safe.toString();
        try {
            ByteBuffer bytes = charset.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).encode(CharBuffer.wrap(out));
            byte[] result = new byte[bytes.remaining()];
            bytes.get(result);
            return result;
        } catch (CharacterCodingException e) {
            // REPLACE never reports; kept for the checked signature
            return out.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * A reason quoting a parser's message or a piece of the file: one line, cut short so a file
     * cannot flood logs and notifications, and with every long run of digits masked, because a
     * parser quotes the token it choked on and that token may be a card number.
     */
    static String brief(String message) {
        if (message == null) {
            return "";
        }
        String oneLine = message.replaceAll("\\s+", " ").trim();
        String cut = oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "...";
        return DIGIT_RUN.matcher(cut).replaceAll(m -> Matcher.quoteReplacement(Masking.account(m.group())));
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        if (content.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (content[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
