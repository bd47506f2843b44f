package com.usdtcnpaybridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate for integration teams' edits: every file in routes/ validates against Camel's YAML DSL
 * schema, loads, names and describes its routes, and uses only placeholders the shipped
 * configuration gives a value.
 */
class RouteFilesTest {
    final RouteFileCheck check = new RouteFileCheck(Path.of("config/application.yaml"));

    @Test
    void everyRouteFileValidatesAgainstTheDslSchemaLoadsWithIdsDescriptionsAndPlaceholdersThatHaveValues()
            throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);
        List<String> problems = new ArrayList<>();
        files.forEach(file -> problems.addAll(check.problems(file)));
        assertThat(problems).as("what is wrong in routes/").isEmpty();
    }

    @Test
    void aRouteWithoutIdOrDescriptionOrWithAPlaceholderWithoutValueIsCaught() {
        assertThat(check.problems(Path.of("src/test/resources/route-checks/careless.camel.yaml")))
                .containsExactlyInAnyOrder(
                        "careless.camel.yaml: route from timer:careless has no id",
                        "careless.camel.yaml: route from timer:careless has no description",
                        "careless.camel.yaml: route undescribed has no description",
                        "careless.camel.yaml: routeConfiguration from onException has no id",
                        "careless.camel.yaml: routeConfiguration from onException has no description",
                        "careless.camel.yaml: placeholder {{bridge.no-such-key}} has no value in config/application.yaml",
                        "careless.camel.yaml: placeholder {{usdtcnpay.access-key}} is blank in config/application.yaml"
                                + " (use {{?key}} if it may be)");
    }

    @Test
    void aFileThatIsNotAValidRouteIsCaught() {
        assertThat(check.problems(Path.of("src/test/resources/route-checks/broken.camel.yaml")))
                .anySatisfy(p -> assertThat(p).startsWith("broken.camel.yaml: does not load"))
                .contains("broken.camel.yaml: schema: at /0/route/from/steps/0: property 'noSuchStep' is not defined"
                        + " in the schema and the schema does not allow additional properties");
    }

    @Test
    void aRouteTemplateWithTheRoutesMadeFromItPassesInOneFileOrTwo() {
        assertThat(check.problems(Path.of("src/test/resources/route-checks/templated.camel.yaml"))).isEmpty();
        Path split = Path.of("src/test/resources/route-checks/split-template");
        assertThat(check.problems(split.resolve("ticker-template.camel.yaml"))).isEmpty();
        assertThat(check.problems(split.resolve("tickers.camel.yaml"))).isEmpty();
    }

    @Test
    void aTemplatedRouteWhoseTemplateIsNowhereIsCaught(@TempDir Path alone) throws IOException {
        Path tickers = Files.copy(Path.of("src/test/resources/route-checks/split-template/tickers.camel.yaml"),
                alone.resolve("tickers.camel.yaml"));
        assertThat(check.problems(tickers)).singleElement()
                .satisfies(p -> assertThat(p).startsWith("tickers.camel.yaml: does not load").contains("split-ticker"));
    }

    @Test
    void aFileCamelLoadsButItsOwnDslSchemaRefusesIsCaughtNamingFileAndPlace() {
        assertThat(check.problems(Path.of("src/test/resources/route-checks/invalid.camel.yaml"))).containsExactly(
                "invalid.camel.yaml: schema: at /0/routeConfiguration/onException/0/onException/handled/constant:"
                        + " boolean found, string expected; boolean found, object expected",
                "invalid.camel.yaml: schema: at /1/route/from/steps/0/delay/constant:"
                        + " integer found, string expected; integer found, object expected");
    }
}
