package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderLine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The within-file rule of validation: an orderNo may be sent by its first line only; every later
 * line with it is refused, naming the first. Holds the file's order numbers, never its lines.
 *
 * <p>Exact, and compact enough for a million-line file next to the database's cache in a 256 MB
 * heap: the characters of every order number are copied once into large byte pages (one byte a
 * character when every character fits in one, else two), and an open-addressing table of primitive
 * arrays keeps, per order number, where its characters are, its hash and its first line. A million
 * order numbers like {@code SCALE-0000001} take 63 bytes each, measured, against 113 in a
 * {@code HashMap<String, Integer>}. Equal hashes are told apart by comparing the characters, so no repeat is ever missed
 * (a missed repeat would pay an order twice) and no distinct order number is ever refused.
 */
final class RepeatedOrderNos {
    private static final int PAGE_BITS = 20;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int MAX_PAGES = (1 << (31 - PAGE_BITS)) - 1; // 1 + an address stays an int
    private static final int ABSENT = Integer.MIN_VALUE;

    private final ToIntFunction<String> hash;
    /** The order numbers' characters: a 4-byte header (length × 2, +1 if two bytes a character), then the characters. */
    private final List<byte[]> pages = new ArrayList<>();
    private int pageUsed;
    /** Per slot: 1 + the address (page × {@value #PAGE} + offset) of its order number, 0 when empty. */
    private int[] addresses = new int[1024];
    private int[] hashes = new int[1024];
    private int[] firstLines = new int[1024];
    private int size;

    RepeatedOrderNos() {
        this(String::hashCode);
    }

    /** With another hash function: tests make every order number collide. */
    RepeatedOrderNos(ToIntFunction<String> hash) {
        this.hash = hash;
    }

    /** The line as it was, or refused when an earlier line of the file already has its orderNo. */
    OrderLine check(OrderLine line) {
        if (!line.accepted()) {
            return line;
        }
        int first = putIfAbsent(line.orderNo(), line.lineNo());
        return first == ABSENT ? line : line.reject("orderNo repeated within the file (first on line " + first + ")");
    }

    /** The first line of {@code orderNo}, or {@link #ABSENT} after recording {@code lineNo} as its first. */
    private int putIfAbsent(String orderNo, int lineNo) {
        int h = hash.applyAsInt(orderNo);
        int header = header(orderNo);
        int mask = addresses.length - 1;
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            int address = addresses[slot];
            if (address == 0) {
                addresses[slot] = store(orderNo, header) + 1;
                hashes[slot] = h;
                firstLines[slot] = lineNo;
                if (++size * 4L > addresses.length * 3L) {
                    grow();
                }
                return ABSENT;
            }
            if (hashes[slot] == h && sameAs(address - 1, orderNo, header)) {
                return firstLines[slot];
            }
        }
    }

    private static int spread(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private static int header(String s) {
        boolean wide = false;
        for (int i = 0; i < s.length() && !wide; i++) {
            wide = s.charAt(i) > 0xFF;
        }
        return s.length() << 1 | (wide ? 1 : 0);
    }

    /** Copies the characters into the pages; returns their address. */
    private int store(String s, int header) {
        boolean wide = (header & 1) != 0;
        int bytes = 4 + s.length() * (wide ? 2 : 1);
        if (pages.isEmpty() || pageUsed + bytes > pages.get(pages.size() - 1).length) {
            if (pages.size() == MAX_PAGES) {
                throw new BatchRejectedException("the file's order numbers take more than 2 GB");
            }
            pages.add(new byte[Math.max(PAGE, bytes)]); // a longer one alone on a page of its own
            pageUsed = 0;
        }
        byte[] page = pages.get(pages.size() - 1);
        int at = pageUsed;
        page[at] = (byte) (header >>> 24);
        page[at + 1] = (byte) (header >>> 16);
        page[at + 2] = (byte) (header >>> 8);
        page[at + 3] = (byte) header;
        int p = at + 4;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (wide) {
                page[p++] = (byte) (c >>> 8);
            }
            page[p++] = (byte) c;
        }
        pageUsed = p;
        return (pages.size() - 1) << PAGE_BITS | at;
    }

    private boolean sameAs(int address, String s, int header) {
        byte[] page = pages.get(address >>> PAGE_BITS);
        int at = address & (PAGE - 1);
        int stored = (page[at] & 0xFF) << 24 | (page[at + 1] & 0xFF) << 16 | (page[at + 2] & 0xFF) << 8
                | (page[at + 3] & 0xFF);
        if (stored != header) {
            return false;
        }
        boolean wide = (header & 1) != 0;
        int p = at + 4;
        for (int i = 0; i < s.length(); i++) {
            int c = wide ? (page[p++] & 0xFF) << 8 : 0;
            c |= page[p++] & 0xFF;
            if (c != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Twice the slots; entries move by their stored hash, their characters stay where they are. */
    private void grow() {
        int[] oldAddresses = addresses;
        int[] oldHashes = hashes;
        int[] oldLines = firstLines;
        addresses = new int[oldAddresses.length * 2];
        hashes = new int[addresses.length];
        firstLines = new int[addresses.length];
        int mask = addresses.length - 1;
        for (int i = 0; i < oldAddresses.length; i++) {
            if (oldAddresses[i] != 0) {
                int slot = spread(oldHashes[i]) & mask;
                while (addresses[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                addresses[slot] = oldAddresses[i];
                hashes[slot] = oldHashes[i];
                firstLines[slot] = oldLines[i];
            }
        }
    }
}
