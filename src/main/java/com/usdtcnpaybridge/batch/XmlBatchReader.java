package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.usdtcnpaybridge.platform.OrderKind;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XML batch: root {@code <withdrawals>} or {@code <charges>}, one {@code <order>} per
 * order with one child element per field. A DOCTYPE is refused outright and the parser supports
 * neither DTDs nor external entities, so no file can make us read a local file or expand
 * entities (XXE, billion laughs). Attributes are not part of the format and refuse the file.
 */
public class XmlBatchReader implements BatchReader {
    static final String ORDER = "order";

    private final Charset charset;
    private final XMLInputFactory stax;
    private final XmlMapper mapper;

    public XmlBatchReader(Charset charset) {
        this.charset = charset;
        this.stax = hardenedInputFactory();
        this.mapper = new XmlMapper(new XmlFactory(stax, XMLOutputFactory.newFactory()));
    }

    /** A StAX factory that cannot be made to read a DTD or an external entity. */
    static XMLInputFactory hardenedInputFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not read");
        });
        return factory;
    }

    static String rootOf(OrderKind kind) {
        return kind == OrderKind.WITHDRAWAL ? "withdrawals" : "charges";
    }

    @Override
    public List<RawLine> read(byte[] content, OrderKind kind) {
        List<RawLine> lines = new ArrayList<>();
        try {
            read(new java.io.ByteArrayInputStream(content), kind, lines::add);
        } catch (IOException e) {
            throw new BatchRejectedException("the file could not be read");
        }
        return lines;
    }

    /**
     * Reads the orders one {@code <order>} element at a time as the parser reaches them: a
     * month-end file is never held whole, nor its tree. Every event the parser reads, inside the
     * orders too, passes the checks of {@link Checked} (no DOCTYPE, no entity reference, no
     * attribute, the right root, only orders under it). What refuses the file may come after
     * orders were handed over; the intake transaction then stores none of them.
     */
    @Override
    public void read(java.io.InputStream in, OrderKind kind, java.util.function.Consumer<RawLine> sink)
            throws IOException {
        SeesContent text = null;
        int count = 0;
        XMLStreamReader xml = null;
        try {
            text = new SeesContent(BatchText.reader(in, charset));
            xml = stax.createXMLStreamReader(text);
            String declared = xml.getCharacterEncodingScheme();
            if (declared != null && !sameCharset(declared)) {
                throw new BatchRejectedException("the file declares encoding '" + BatchText.brief(declared)
                        + "' but is expected in " + charset.name());
            }
            Checked checked = new Checked(xml, kind);
            while (checked.hasNext()) {
                if (checked.next() == XMLStreamConstants.START_ELEMENT && checked.depth == 2) {
                    // Jackson reads this <order> element, through the checks, up to its end tag
                    JsonNode order = mapper.readValue(checked, JsonNode.class);
                    if (order == null) {
                        order = mapper.getNodeFactory().textNode("");
                    } else if (order.isObject() && order.size() == 1 && order.has("")) {
                        // an element holding only text: read alone, Jackson keys the text by ""
                        order = order.get("");
                    }
                    count++;
                    RawLine line = OrderNodes.toLine(count, order, kind, "element");
                    try {
                        sink.accept(line);
                    } catch (RuntimeException e) {
                        throw new SinkFailure(e);
                    }
                }
            }
        } catch (SinkFailure e) {
            throw e.original;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BatchRejectedException("the file is not valid " + charset.name());
        } catch (XMLStreamException | com.fasterxml.jackson.core.JacksonException | RuntimeException e) {
            BatchRejectedException rejected = rejection(e);
            if (rejected != null) {
                throw rejected;
            }
            if (charsetProblem(e)) {
                throw new BatchRejectedException("the file is not valid " + charset.name());
            }
            throw new BatchRejectedException(text == null || text.sawContent
                    ? "not well-formed XML: " + BatchText.brief(e.getMessage()) : "empty file");
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // the file itself is closed by whoever opened it
                }
            }
        }
        if (count == 0) {
            throw new BatchRejectedException(text.sawContent ? "the file holds no orders" : "empty file");
        }
    }

    /** The refusal our checks threw, wherever the parser or Jackson wrapped it. */
    private static BatchRejectedException rejection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BatchRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }

    private static boolean charsetProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.charset.CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** What the sink threw, carried past the parser's error handling unchanged. */
    private static final class SinkFailure extends RuntimeException {
        final RuntimeException original;

        SinkFailure(RuntimeException original) {
            super(null, null, false, false);
            this.original = original;
        }
    }

    /** Notes whether anything but white space was read: an empty file is told apart from a broken one. */
    private static final class SeesContent extends java.io.FilterReader {
        boolean sawContent;

        SeesContent(java.io.Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0 && !Character.isWhitespace(c)) {
                sawContent = true;
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n && !sawContent; i++) {
                sawContent = !Character.isWhitespace(buffer[i]);
            }
            return n;
        }
    }

    /**
     * The parser as everyone reads it, checking each event: refuses a DOCTYPE, an entity
     * reference, a wrong root, anything but {@code <order>} (or text) under the root, and
     * attributes (which the tree would silently turn into fields).
     */
    private static final class Checked extends javax.xml.stream.util.StreamReaderDelegate {
        private final OrderKind kind;
        int depth;

        Checked(XMLStreamReader reader, OrderKind kind) {
            super(reader);
            this.kind = kind;
        }

        @Override
        public int next() throws XMLStreamException {
            int event = super.next();
            switch (event) {
                case XMLStreamConstants.DTD -> throw new BatchRejectedException("a DOCTYPE is not allowed in a batch file");
                case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new BatchRejectedException("entity references are not allowed in a batch file");
                case XMLStreamConstants.START_ELEMENT -> {
                    depth++;
                    String name = getLocalName();
                    if (depth == 1 && !name.equals(rootOf(kind))) {
                        throw new BatchRejectedException("root element must be <" + rootOf(kind) + "> but is <"
                                + BatchText.brief(name) + ">");
                    }
                    if (depth == 2 && !name.equals(ORDER)) {
                        throw new BatchRejectedException("<" + rootOf(kind) + "> may hold only <order> elements, found <"
                                + BatchText.brief(name) + ">");
                    }
                    if (getAttributeCount() > 0) {
                        throw new BatchRejectedException("attributes are not part of the batch format (found '"
                                + BatchText.brief(getAttributeLocalName(0)) + "' on <" + BatchText.brief(name) + ">)");
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (depth == 1 && !isWhiteSpace() && !getText().isBlank()) {
                        throw new BatchRejectedException("<" + rootOf(kind) + "> may hold only <order> elements");
                    }
                }
                default -> {
                    // comments, processing instructions, white space: nothing to check
                }
            }
            return event;
        }
    }

    private boolean sameCharset(String declared) {
        try {
            return Charset.forName(declared).equals(charset);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
    }
}
