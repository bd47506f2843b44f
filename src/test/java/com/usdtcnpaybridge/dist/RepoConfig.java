package com.usdtcnpaybridge.dist;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** What the deployment files must agree with in the repository's config/. */
final class RepoConfig {
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):");

    private RepoConfig() {
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /**
     * camel.main.shutdown-timeout in seconds, as {@code applicationYaml} sets it: what every stop
     * grace must exceed. Fails when the file does not set it (Camel's own default, 45 s, is above
     * Kubernetes' default grace of 30 s).
     */
    @SuppressWarnings("unchecked")
    static long shutdownTimeoutSeconds(Path applicationYaml) throws IOException {
        try (Reader in = Files.newBufferedReader(applicationYaml)) {
            Map<String, Object> root = yaml().load(in);
            Map<String, Object> camel = (Map<String, Object>) root.get("camel");
            Map<String, Object> main = camel == null ? null : (Map<String, Object>) camel.get("main");
            Object timeout = main == null ? null : main.get("shutdown-timeout");
            if (timeout == null) {
                throw new AssertionError(applicationYaml + " does not set camel.main.shutdown-timeout");
            }
            return Long.parseLong(timeout.toString());
        }
    }

    /** Every environment variable a ${NAME:default} placeholder in {@code configDir}/*.yaml reads. */
    static Set<String> environmentNames(Path configDir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(configDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Matcher m = ENV_PLACEHOLDER.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
