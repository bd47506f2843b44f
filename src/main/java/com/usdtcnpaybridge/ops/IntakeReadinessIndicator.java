package com.usdtcnpaybridge.ops;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.StatefulService;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.support.ScheduledPollConsumer;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Readiness waits for intake: OUT_OF_SERVICE until every route made from the {@code batch-intake}
 * template (withdrawal-intake, charge-intake, and any inbox an integration team adds) is Started
 * and its consumer has polled its inbox once. From then on UP for the life of the process: an
 * operator who suspends or stops an intake route later pauses intake, not the callbacks and sends
 * this instance serves, so readiness stays UP (camelHealth shows the route DOWN).
 */
public class IntakeReadinessIndicator extends AbstractHealthIndicator {
    /** The route template every intake route is made from (routes/batch-intake.camel.yaml). */
    static final String INTAKE_TEMPLATE = "batch-intake";

    private final CamelContext camel;
    private volatile boolean consumed;

    public IntakeReadinessIndicator(CamelContext camel) {
        super("Intake readiness check failed");
        this.camel = camel;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (consumed) {
            builder.up();
            return;
        }
        List<Route> intake = intakeRoutes();
        boolean all = !intake.isEmpty();
        if (intake.isEmpty()) {
            builder.withDetail("error", "no route made from the " + INTAKE_TEMPLATE + " template");
        }
        for (Route route : intake) {
            String state = state(route);
            builder.withDetail(route.getRouteId(), state);
            all &= "consuming".equals(state);
        }
        if (all) {
            consumed = true;
            builder.up();
        } else {
            builder.outOfService();
        }
    }

    private String state(Route route) {
        ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
        if (status == null || !status.isStarted()) {
            return String.valueOf(status);
        }
        Consumer consumer = route.getConsumer();
        if (consumer instanceof StatefulService service && !service.isStarted()) {
            return "consumer not started";
        }
        if (consumer instanceof ScheduledPollConsumer poller && !poller.isFirstPollDone()) {
            return "before its first poll";
        }
        return "consuming";
    }

    /**
     * Camel keeps no template id on a route made from a template; it keeps the parameters it was made
     * with. An intake route is one made with every parameter the batch-intake template declares.
     */
    private boolean isIntake(Route route, Model model, Set<String> templateParameters) {
        RouteDefinition definition = model.getRouteDefinition(route.getRouteId());
        Map<String, Object> parameters = definition == null ? null : definition.getTemplateParameters();
        return parameters != null && parameters.keySet().containsAll(templateParameters);
    }

    private List<Route> intakeRoutes() {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        RouteTemplateDefinition template = model == null ? null : model.getRouteTemplateDefinition(INTAKE_TEMPLATE);
        if (template == null || template.getTemplateParameters() == null || template.getTemplateParameters().isEmpty()) {
            return List.of();
        }
        Set<String> names = template.getTemplateParameters().stream().map(RouteTemplateParameterDefinition::getName)
                .collect(Collectors.toSet());
        return camel.getRoutes().stream().filter(r -> isIntake(r, model, names)).toList();
    }
}
