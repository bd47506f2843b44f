package com.usdtcnpaybridge.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * What every route file must satisfy to be deployed: it validates against the YAML DSL's own JSON
 * schema (the one visual editors and the Camel tooling use), it loads with the YAML DSL, every
 * route, route template and route configuration has an id and a description, and every placeholder
 * that is neither optional ({@code {{?key}}}), defaulted ({@code {{key:default}}}) nor a parameter
 * of a route template of the file has a non-blank value in the configuration the bridge starts with
 * (without any profile).
 */
final class RouteFileCheck {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\?)?([^{}]+?)}}");
    private static final List<String> FUNCTIONS = List.of("env", "sys");

    private final StandardEnvironment environment = new StandardEnvironment();
    private static final DslSchema SCHEMA = new DslSchema();

    RouteFileCheck(Path applicationYaml) {
        try {
            MutablePropertySources sources = environment.getPropertySources();
            for (PropertySource<?> source : new YamlPropertySourceLoader().load(applicationYaml.toString(),
                    new FileSystemResource(applicationYaml))) {
                sources.addLast(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything wrong with one file, one line each; empty when it may be deployed. */
    List<String> problems(Path file) {
        List<String> problems = new ArrayList<>();
        Set<String> templateParameters = new HashSet<>();
        String name;
        String text;
        try (LoadedRouteFile loaded = new LoadedRouteFile(file)) {
            name = loaded.name;
            text = loaded.text;
            SCHEMA.problems(text).forEach(p -> problems.add(name + ": " + p));
            try {
                loaded.load();
                List<RouteDefinition> routes = loaded.routes();
                List<RouteConfigurationDefinition> configurations = loaded.configurations();
                List<RouteTemplateDefinition> templates = loaded.templates();
                if (routes.isEmpty() && configurations.isEmpty() && templates.isEmpty()) {
                    problems.add(name + ": no route, route template or route configuration");
                }
                templates.forEach(t -> identified(problems, name, "routeTemplate", t, "?"));
                routes.forEach(r -> identified(problems, name, "route", r,
                        r.getInput() == null ? "?" : r.getInput().getUri()));
                configurations.forEach(c -> identified(problems, name, "routeConfiguration", c, "onException"));
                templates.forEach(t -> t.getTemplateParameters().forEach(p -> templateParameters.add(p.getName())));
            } catch (Exception e) {
                problems.add(name + ": does not load: " + e.getMessage());
            }
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (templateParameters.contains(m.group(2).trim())) {
                continue; // given by the templatedRoute that uses the template
            }
            String problem = placeholder(m.group(1) != null, m.group(2).trim());
            if (problem != null) {
                problems.add(name + ": placeholder {{" + m.group(2) + "}} " + problem);
            }
        }
        return problems;
    }

    private static void identified(List<String> problems, String file, String what,
            OptionalIdentifiedDefinition<?> definition, String from) {
        if (!definition.hasCustomIdAssigned()) {
            problems.add(file + ": " + what + " from " + from + " has no id");
        }
        if (definition.getDescription() == null || definition.getDescription().isBlank()) {
            problems.add(file + ": " + what + " " + (definition.hasCustomIdAssigned() ? definition.getId() : "from " + from)
                    + " has no description");
        }
    }

    /** Null when the placeholder will resolve to a value; otherwise why not. */
    private String placeholder(boolean optional, String expression) {
        int colon = expression.indexOf(':');
        String head = colon < 0 ? expression : expression.substring(0, colon);
        if (FUNCTIONS.contains(head)) {
            String rest = expression.substring(colon + 1);
            int defaultAt = rest.indexOf(':');
            if (optional || defaultAt >= 0) {
                return null;
            }
            String value = head.equals("env") ? System.getenv(rest) : System.getProperty(rest);
            return value == null || value.isBlank() ? "has no value in the " + head + " of this machine" : null;
        }
        if (optional || colon >= 0) {
            return null;
        }
        String value;
        try {
            value = environment.getProperty(expression);
        } catch (IllegalArgumentException e) {
            return "cannot be resolved: " + e.getMessage();
        }
        if (value == null) {
            return "has no value in config/application.yaml";
        }
        return value.isBlank() ? "is blank in config/application.yaml (use {{?key}} if it may be)" : null;
    }
}
