package com.usdtcnpaybridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.BridgeTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every bean and bean method the route files name exists in the bridge's Spring context, so a
 * misspelt name fails the build, not the first exchange that reaches the step. The bridge starts
 * here without its routes, so that the check can list every wrong name of routes/ at once; the
 * test then builds the real routes/ in that context (built, not started: nothing is polled or
 * sent), which is where Camel itself would refuse them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camel.main.auto-startup=false",
                "camel.main.routes-include-pattern=classpath:route-beans-test/no-routes-here/*.camel.yaml"})
class RouteBeansTest {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        BridgeTestSupport.register(r, "route-beans");
    }

    @Autowired
    ApplicationContext spring;
    @Autowired
    CamelContext camel;

    RouteBeanCheck check() {
        return new RouteBeanCheck(name -> spring.containsBean(name)
                ? Optional.ofNullable(spring.getType(name)) : Optional.empty());
    }

    @Test
    void everyBeanAndMethodTheRouteFilesNameExists() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);
        List<String> problems = new ArrayList<>();
        files.forEach(file -> problems.addAll(check().problems(file)));
        assertThat(problems).as("beans and methods routes/ names that do not exist").isEmpty();

        // and Camel builds every route of routes/ with the beans of this context
        assertThat(camel.getRoutes()).isEmpty();
        List<Resource> resources = files.stream().map(f -> ResourceHelper.resolveResource(camel, "file:" + f)).toList();
        PluginHelper.getRoutesLoader(camel).loadRoutes(resources.toArray(Resource[]::new));
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("platform-callback", "batch-submit");
        assertThat(camel.getRoutes()).allSatisfy(route -> assertThat(
                camel.getRouteController().getRouteStatus(route.getRouteId())).isNotEqualTo(ServiceStatus.Started));
    }

    @Test
    void aMisspeltBeanOrMethodNameIsCaughtNamingFileRouteAndStep() {
        // the fixture is a valid route file otherwise: only the names are wrong
        assertThat(new RouteFileCheck(Path.of("config/application.yaml"))
                .problems(Path.of("src/test/resources/route-checks/misspelt-beans.camel.yaml"))).isEmpty();
        assertThat(check().problems(Path.of("src/test/resources/route-checks/misspelt-beans.camel.yaml")))
                .containsExactlyInAnyOrder(
                        "misspelt-beans.camel.yaml: route misspelt, step misspelt-bean:"
                                + " no bean named 'platformCallback'",
                        "misspelt-beans.camel.yaml: route misspelt, step misspelt-method:"
                                + " PlatformCallbackHandler has no public method handel",
                        "misspelt-beans.camel.yaml: route misspelt, step split-with-missing-pool:"
                                + " no bean named 'noSuchPool'",
                        "misspelt-beans.camel.yaml: route misspelt, step wrong-parameter-count:"
                                + " PlatformCallbackHandler.handle is called with 1 parameter(s) and takes 3",
                        "misspelt-beans.camel.yaml: route misspelt, step not-a-processor:"
                                + " bean 'platformCallbacks' is a PlatformCallbackHandler, not a Processor",
                        "misspelt-beans.camel.yaml: route misspelt, step misspelt-endpoint-method:"
                                + " PlatformCallbackHandler has no public method handled",
                        "misspelt-beans.camel.yaml: routeConfiguration misspelt-errors, step log-with-missing-bean:"
                                + " no bean named 'errorLogger'");
    }
}
