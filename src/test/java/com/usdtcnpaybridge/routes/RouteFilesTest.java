package com.usdtcnpaybridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gate for integration teams' edits: every file in routes/ loads, names and describes its
 * routes, and uses only placeholders the shipped configuration gives a value.
 */
class RouteFilesTest {
    final RouteFileCheck check = new RouteFileCheck(Path.of("config/application.yaml"));

    @Test
    void everyRouteFileLoadsWithIdsDescriptionsAndPlaceholdersThatHaveValues() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);
        for (Path file : files) {
            assertThat(check.problems(file)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void aRouteWithoutIdOrDescriptionOrWithAPlaceholderWithoutValueIsCaught() {
        assertThat(check.problems(Path.of("src/test/resources/route-checks/careless.camel.yaml"))).containsExactlyInAnyOrder(
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
                .singleElement().satisfies(p -> assertThat(p).startsWith("broken.camel.yaml: does not load"));
    }
}
