package com.usdtcnpaybridge.routes;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.camel.Processor;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ExecutorServiceAwareDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.MethodCallExpression;

/**
 * Every bean a route file names exists, and so does every method it calls on one: a {@code bean:}
 * step and a {@code method:} expression ({@code ref} and {@code method}, with as many parameters as
 * the call gives when it gives them), a {@code process: ref:} (which must be a Processor), and an
 * {@code executorService} of a split or other EIP, and a {@code to: bean:name?method=name}. Bean
 * names are resolved by a lookup (the running Spring context's beans, in the test), so a misspelt
 * name fails the build rather than the first exchange that reaches the step.
 */
final class RouteBeanCheck {
    /** The class of the bean of that name, if there is one. */
    private final Function<String, Optional<Class<?>>> beans;

    RouteBeanCheck(Function<String, Optional<Class<?>>> beans) {
        this.beans = beans;
    }

    /** Everything a file names that does not exist, one line each; empty when all of it does. */
    List<String> problems(Path file) {
        List<String> problems = new ArrayList<>();
        try (LoadedRouteFile loaded = new LoadedRouteFile(file)) {
            try {
                loaded.load();
            } catch (Exception e) {
                return List.of(loaded.name + ": does not load: " + e.getMessage());
            }
            // beans the file itself declares (a YAML "beans:" section) count too
            Function<String, Optional<Class<?>>> lookup = name -> loaded.ownBean(name).or(() -> beans.apply(name));
            for (RouteDefinition route : loaded.routes()) {
                steps(route.getOutputs()).forEach(step -> check(problems, lookup,
                        loaded.name + ": route " + route.getRouteId() + ", step " + name(step), step));
            }
            for (RouteConfigurationDefinition configuration : loaded.configurations()) {
                for (OnExceptionDefinition onException : configuration.getOnExceptions()) {
                    String where = loaded.name + ": routeConfiguration " + configuration.getId() + ", step ";
                    steps(onException.getOutputs()).forEach(step -> check(problems, lookup, where + name(step), step));
                }
            }
        }
        return problems;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<ProcessorDefinition<?>> steps(List<ProcessorDefinition<?>> outputs) {
        return new ArrayList<>((java.util.Collection) ProcessorDefinitionHelper.filterTypeInOutputs(outputs,
                ProcessorDefinition.class));
    }

    private static String name(ProcessorDefinition<?> step) {
        return step.hasCustomIdAssigned() ? step.getId() : step.getShortName();
    }

    private static void check(List<String> problems, Function<String, Optional<Class<?>>> lookup, String where,
            ProcessorDefinition<?> step) {
        if (step instanceof BeanDefinition bean) {
            call(problems, lookup, where, bean.getRef(), bean.getBeanType(), bean.getMethod());
        }
        if (step instanceof ExpressionNode node
                && methodCall(node.getExpression()) instanceof MethodCallExpression call) {
            String ref = call.getRef();
            String method = call.getMethod();
            if (ref == null && call.getBeanTypeName() == null && call.getExpression() != null) {
                // the short form: method: "beanName?method=name"
                String[] parts = call.getExpression().split("\\?method=", 2);
                ref = parts[0];
                method = parts.length > 1 ? parts[1] : method;
            }
            call(problems, lookup, where, ref, call.getBeanTypeName(), method);
        }
        if (step instanceof ProcessDefinition process && process.getRef() != null) {
            bean(problems, lookup, where, process.getRef()).filter(type -> !Processor.class.isAssignableFrom(type))
                    .ifPresent(type -> problems.add(where + ": bean '" + process.getRef() + "' is a "
                            + type.getSimpleName() + ", not a Processor"));
        }
        if (step instanceof SendDefinition<?> send && send.getUri() != null && send.getUri().startsWith("bean:")) {
            // to: "bean:name?method=name"
            String target = send.getUri().substring(5);
            int query = target.indexOf('?');
            String method = null;
            if (query >= 0) {
                for (String pair : target.substring(query + 1).split("&")) {
                    method = pair.startsWith("method=") ? pair.substring(7) : method;
                }
                target = target.substring(0, query);
            }
            call(problems, lookup, where, target, null, method);
        }
        if (step instanceof ExecutorServiceAwareDefinition<?> aware && aware.getExecutorServiceRef() != null) {
            bean(problems, lookup, where, aware.getExecutorServiceRef());
        }
    }

    private static ExpressionDefinition methodCall(ExpressionDefinition expression) {
        if (expression instanceof MethodCallExpression) {
            return expression;
        }
        return expression == null ? null : expression.getExpressionType();
    }

    private static void call(List<String> problems, Function<String, Optional<Class<?>>> lookup, String where,
            String ref, String beanType, String method) {
        Optional<Class<?>> type;
        if (ref != null && !ref.startsWith("#class:") && !ref.startsWith("#type:")) {
            type = bean(problems, lookup, where, ref);
        } else {
            String className = ref != null ? ref.substring(ref.indexOf(':') + 1) : beanType;
            type = loadClass(problems, where, className);
        }
        if (type.isEmpty() || method == null || method.contains("{{")) {
            return;
        }
        int open = method.indexOf('(');
        String methodName = (open < 0 ? method : method.substring(0, open)).trim();
        int arguments = open < 0 ? -1 : argumentCount(method.substring(open + 1, method.lastIndexOf(')')));
        List<Method> named = Arrays.stream(type.get().getMethods())
                .filter(m -> m.getName().equals(methodName)).toList();
        if (named.isEmpty()) {
            problems.add(where + ": " + type.get().getSimpleName() + " has no public method " + methodName);
        } else if (arguments >= 0 && named.stream()
                .noneMatch(m -> m.getParameterCount() == arguments
                        || m.isVarArgs() && arguments >= m.getParameterCount() - 1)) {
            problems.add(where + ": " + type.get().getSimpleName() + "." + methodName + " is called with " + arguments
                    + " parameter(s) and takes " + named.stream().map(m -> String.valueOf(m.getParameterCount()))
                            .distinct().collect(java.util.stream.Collectors.joining(" or ")));
        }
    }

    private static Optional<Class<?>> bean(List<String> problems, Function<String, Optional<Class<?>>> lookup,
            String where, String ref) {
        String name = ref.startsWith("#bean:") ? ref.substring(6) : ref.startsWith("#") ? ref.substring(1) : ref;
        if (name.contains("{{")) {
            return Optional.empty();
        }
        Optional<Class<?>> type = lookup.apply(name);
        if (type.isEmpty()) {
            problems.add(where + ": no bean named '" + name + "'");
        }
        return type;
    }

    private static Optional<Class<?>> loadClass(List<String> problems, String where, String className) {
        if (className == null) {
            problems.add(where + ": names neither a bean nor a bean type");
            return Optional.empty();
        }
        try {
            return Optional.of(Class.forName(className.trim(), false, RouteBeanCheck.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            problems.add(where + ": no class " + className);
            return Optional.empty();
        }
    }

    /** How many parameters a call's text gives: commas outside parentheses, braces, brackets and quotes. */
    static int argumentCount(String parameters) {
        if (parameters.isBlank()) {
            return 0;
        }
        int count = 1;
        int depth = 0;
        char quote = 0;
        for (char c : parameters.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }
}
