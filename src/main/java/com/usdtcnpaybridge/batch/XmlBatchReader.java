package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.usdtcnpaybridge.order.OrderKind;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
        String text = BatchText.decode(content, charset);
        checkStructure(text, kind);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException | RuntimeException e) {
            throw new BatchRejectedException("not well-formed XML: " + BatchText.brief(e.getMessage()));
        }
        List<JsonNode> orders = new ArrayList<>();
        if (root != null && root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                if (!child.getKey().equals(ORDER)) {
                    // checkStructure refused other elements, so this is text between the orders
                    throw new BatchRejectedException("<" + rootOf(kind) + "> may hold only <order> elements");
                }
                if (child.getValue().isArray()) {
                    child.getValue().forEach(orders::add);
                } else {
                    orders.add(child.getValue());
                }
            }
        }
        if (orders.isEmpty()) {
            throw new BatchRejectedException("the file holds no orders");
        }
        List<RawLine> lines = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            lines.add(OrderNodes.toLine(i + 1, orders.get(i), kind, "element"));
        }
        return lines;
    }

    /**
     * One streaming pass before the tree is built: refuses a DOCTYPE, an encoding declaration
     * other than the configured charset, a wrong root, anything but {@code <order>} under the
     * root, and attributes (which the tree would silently turn into fields).
     */
    private void checkStructure(String text, OrderKind kind) {
        XMLStreamReader xml = null;
        try {
            xml = stax.createXMLStreamReader(new StringReader(text));
            String declared = xml.getCharacterEncodingScheme();
            if (declared != null && !sameCharset(declared)) {
                throw new BatchRejectedException("the file declares encoding '" + BatchText.brief(declared)
                        + "' but is expected in " + charset.name());
            }
            int depth = 0;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new BatchRejectedException("a DOCTYPE is not allowed in a batch file");
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new BatchRejectedException("entity references are not allowed in a batch file");
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String name = xml.getLocalName();
                    if (depth == 1 && !name.equals(rootOf(kind))) {
                        throw new BatchRejectedException("root element must be <" + rootOf(kind) + "> but is <"
                                + BatchText.brief(name) + ">");
                    }
                    if (depth == 2 && !name.equals(ORDER)) {
                        throw new BatchRejectedException("<" + rootOf(kind) + "> may hold only <order> elements, found <"
                                + BatchText.brief(name) + ">");
                    }
                    if (xml.getAttributeCount() > 0) {
                        throw new BatchRejectedException("attributes are not part of the batch format (found '"
                                + BatchText.brief(xml.getAttributeLocalName(0)) + "' on <" + BatchText.brief(name) + ">)");
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof BatchRejectedException rejected) {
                throw rejected;
            }
            throw new BatchRejectedException("not well-formed XML: " + BatchText.brief(e.getMessage()));
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release: the reader reads from a string
                }
            }
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
