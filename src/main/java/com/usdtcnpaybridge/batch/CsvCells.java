package com.usdtcnpaybridge.batch;

import java.util.List;
import java.util.stream.Collectors;

/** Writes CSV cells that no spreadsheet will run as a formula. */
public final class CsvCells {
    private CsvCells() {
    }

    public static String row(List<String> cells) {
        return cells.stream().map(CsvCells::cell).collect(Collectors.joining(",")) + "\r\n";
    }

    /** Quotes when needed; a cell starting with = + - @ (or tab/CR) gets a leading apostrophe. */
    public static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
