package com.usdtcnpaybridge.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Camel's own JSON schema of the YAML DSL, {@code schema/camelYamlDsl.json} in the camel-yaml-dsl
 * jar: the one Kaoto, Karavan and the IDE plugins check a route file against. A file Camel loads
 * may still fail it (a boolean where the DSL says string), and then those tools refuse to open it.
 */
final class DslSchema {
    static final String RESOURCE = "schema/camelYamlDsl.json";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final Schema schema;

    DslSchema() {
        try (InputStream in = DslSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path (camel-yaml-dsl)");
            }
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What in this route file text the schema refuses, one line each ({@code path: message}); empty when valid. */
    List<String> problems(String text) {
        JsonNode document;
        try {
            document = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            return List.of("is not YAML: " + e.getOriginalMessage());
        }
        if (document == null) {
            return List.of("is empty");
        }
        return readable(schema.validate(document));
    }

    /**
     * One line per place in the file: its JSON pointer ({@code /0/route/from/steps/2/log}) and what is
     * wrong there. Where a value fits none of the shapes a {@code oneOf} allows, the validator also
     * reports, at every enclosing place, each shape it did not fit; only the innermost places are kept.
     */
    private static List<String> readable(List<Error> errors) {
        Map<String, Set<String>> byPlace = new TreeMap<>();
        for (Error error : errors) {
            byPlace.computeIfAbsent(error.getInstanceLocation().toString(), k -> new LinkedHashSet<>())
                    .add(error.getMessage());
        }
        return byPlace.entrySet().stream()
                .filter(e -> byPlace.keySet().stream().noneMatch(other -> encloses(e.getKey(), other)))
                .map(e -> "schema: at " + e.getKey() + ": " + String.join("; ", specific(e.getValue())))
                .toList();
    }

    /** The messages of one place without the summary of a oneOf when the reasons are there too. */
    private static Set<String> specific(Set<String> messages) {
        Set<String> reasons = new LinkedHashSet<>(messages);
        reasons.removeIf(m -> m.startsWith("must be valid to one and only one schema"));
        return reasons.isEmpty() ? messages : reasons;
    }

    private static boolean encloses(String place, String other) {
        return other.length() > place.length() && other.startsWith(place)
                && (place.endsWith("/") || other.charAt(place.length()) == '/');
    }
}
