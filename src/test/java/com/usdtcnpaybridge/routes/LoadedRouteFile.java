package com.usdtcnpaybridge.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.usdtcnpaybridge.BridgeTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * One route file loaded with the YAML DSL into a Camel model of its own, never started. The route
 * templates of the other files in its folder are loaded first, so a {@code templatedRoute} may use
 * a template another file defines; only what this file itself defines is reported.
 */
final class LoadedRouteFile implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final String name;
    final String text;
    private final DefaultCamelContext camel = BridgeTestSupport.camelContext();
    private Set<String> othersTemplates = Set.of();

    LoadedRouteFile(Path file) {
        name = file.getFileName().toString();
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        camel.build();
        loadTemplatesBeside(file);
    }

    /** Loads this file; what Camel throws when it cannot. */
    LoadedRouteFile load() throws Exception {
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(name, text));
        return this;
    }

    List<RouteDefinition> routes() {
        return camel.getRouteDefinitions();
    }

    List<RouteConfigurationDefinition> configurations() {
        return camel.getRouteConfigurationDefinitions();
    }

    /** The class of a bean the file itself declares (a YAML {@code beans:} section). */
    java.util.Optional<Class<?>> ownBean(String beanName) {
        return java.util.Optional.ofNullable(camel.getRegistry().lookupByName(beanName)).map(Object::getClass);
    }

    /** The route templates this file defines (not those of the files beside it). */
    List<RouteTemplateDefinition> templates() {
        return camel.getRouteTemplateDefinitions().stream().filter(t -> !othersTemplates.contains(t.getId())).toList();
    }

    private void loadTemplatesBeside(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        List<Path> others;
        try (Stream<Path> list = Files.list(folder)) {
            others = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(p -> !p.getFileName().toString().equals(name)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path other : others) {
            try {
                JsonNode items = YAML.readTree(other.toFile());
                if (items == null || !items.isArray()) {
                    continue;
                }
                ArrayNode templates = YAML.createArrayNode();
                items.forEach(item -> {
                    if (item.has("routeTemplate")) {
                        templates.add(item);
                    }
                });
                if (!templates.isEmpty()) {
                    String otherName = other.getFileName().toString();
                    PluginHelper.getRoutesLoader(camel).loadRoutes(
                            ResourceHelper.fromString(otherName, YAML.writeValueAsString(templates)));
                }
            } catch (Exception e) {
                // that file's own check says what is wrong with it
            }
        }
        othersTemplates = camel.getRouteTemplateDefinitions().stream().map(RouteTemplateDefinition::getId)
                .collect(Collectors.toSet());
    }

    @Override
    public void close() {
        try {
            camel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
