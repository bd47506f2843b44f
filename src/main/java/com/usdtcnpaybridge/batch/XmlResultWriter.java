package com.usdtcnpaybridge.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.function.Consumer;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Result and acknowledgement files as XML: root {@code <results>}, one {@code <result>} per row
 * with one child element per column, written through the same StAX stack Jackson XML uses, a row
 * at a time.
 */
public class XmlResultWriter implements ResultWriter {
    private final Charset charset;
    private final XMLOutputFactory factory = XMLOutputFactory.newFactory();

    public XmlResultWriter(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void write(Consumer<Consumer<ResultRow>> rows, OutputStream out) throws IOException {
        // non-ASCII appears only in text content, where a character reference means the same
        EncodedText text = new EncodedText(out, charset, cp -> "&#x" + Integer.toHexString(cp) + ";");
        try {
            XMLStreamWriter xml = factory.createXMLStreamWriter(text);
            xml.writeStartDocument(charset.name(), "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("results");
            rows.accept(text.draining(row -> {
                writeRow(xml, row);
                xml.flush();
            }));
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML result", e);
        }
        text.write("\n");
        text.drain();
    }

    private static void writeRow(XMLStreamWriter xml, ResultRow row) throws XMLStreamException {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("result");
        List<String> cells = row.cells();
        for (int i = 0; i < cells.size(); i++) {
            xml.writeCharacters("\n    ");
            String value = cells.get(i);
            if (value == null || value.isEmpty()) {
                xml.writeEmptyElement(BatchFormat.RESULT_FIELDS.get(i));
            } else {
                xml.writeStartElement(BatchFormat.RESULT_FIELDS.get(i));
                xml.writeCharacters(xmlSafe(value));
                xml.writeEndElement();
            }
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
    }

    /** Echoed input may hold control characters that XML 1.0 cannot carry at all. */
    static String xmlSafe(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.appendCodePoint(ok ? cp : 0xFFFD);
            }
            i += Character.charCount(cp);
        }
        return out == null ? s : out.toString();
    }
}
