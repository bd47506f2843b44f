package com.usdtcnpaybridge.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of deploy/kubernetes, which cannot be applied here: each parses, the
 * kinds are those of the deployment, the probes ask the actuator, the grace is above Camel's
 * shutdown timeout, and the ConfigMaps hold exactly the repository's routes and config files.
 */
class KubernetesManifestsTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path MANIFESTS = PROJECT.resolve("deploy/kubernetes");
    private static final String RERENDER = "the ConfigMaps are out of step with the repository: run "
            + "deploy/kubernetes/render-configmaps and commit configmap-*.yaml";
    private static final String HOME = "/opt/usdtcnpay-bridge";

    /** kind/name → the document. */
    static final Map<String, Map<String, Object>> documents = new TreeMap<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parseEveryManifest() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(MANIFESTS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (Object doc : RepoConfig.yaml().loadAll(in)) {
                    assertThat(doc).as("%s: each document is a mapping", file.getFileName()).isInstanceOf(Map.class);
                    Map<String, Object> manifest = (Map<String, Object>) doc;
                    assertThat(manifest).as(file.getFileName().toString()).containsKeys("apiVersion", "kind", "metadata");
                    String key = manifest.get("kind") + "/" + map(manifest, "metadata").get("name");
                    assertThat(documents.put(key, manifest)).as("%s defined twice", key).isNull();
                }
            }
        }
    }

    @Test
    void manifestsAreTheDeploymentItsConfigMapsSecretsServiceAndDisruptionBudget() {
        assertThat(documents.keySet()).containsExactlyInAnyOrder(
                "ConfigMap/usdtcnpay-bridge-config",
                "ConfigMap/usdtcnpay-bridge-routes",
                "Deployment/usdtcnpay-bridge",
                "PodDisruptionBudget/usdtcnpay-bridge",
                "Secret/usdtcnpay-bridge-env",
                "Secret/usdtcnpay-bridge-sftp",
                "Service/usdtcnpay-bridge");
        Map<String, Object> deployment = documents.get("Deployment/usdtcnpay-bridge");
        assertThat(deployment.get("apiVersion")).isEqualTo("apps/v1");
        assertThat(map(deployment, "spec").get("replicas")).isEqualTo(2);
        assertThat(documents.get("PodDisruptionBudget/usdtcnpay-bridge").get("apiVersion")).isEqualTo("policy/v1");

        Map<String, Object> podLabels = map(map(map(deployment, "spec"), "template"), "metadata");
        Object labels = podLabels.get("labels");
        assertThat(map(map(deployment, "spec"), "selector").get("matchLabels")).isEqualTo(labels);
        assertThat(map(map(documents.get("PodDisruptionBudget/usdtcnpay-bridge"), "spec"), "selector")
                .get("matchLabels")).as("the budget counts the bridge's pods").isEqualTo(labels);
        assertThat(map(documents.get("Service/usdtcnpay-bridge"), "spec").get("selector"))
                .as("the Service selects the bridge's pods").isEqualTo(labels);
    }

    @Test
    void deploymentRunsTheClusterProfileWithActuatorProbesAndAGraceAboveCamelsShutdownTimeout() throws IOException {
        Map<String, Object> pod = podSpec();
        Map<String, Object> container = container();
        assertThat(env(container)).containsEntry("SPRING_PROFILES_ACTIVE", "cluster");
        assertThat(env(container).get("SPRING_DATASOURCE_URL")).startsWith("jdbc:postgresql://");

        assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
        assertThat(probePath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
        List<Map<String, Object>> ports = list(container, "ports");
        assertThat(ports).anyMatch(p -> "http".equals(p.get("name")) && Integer.valueOf(8080).equals(p.get("containerPort")));

        long shutdownTimeout = RepoConfig.shutdownTimeoutSeconds(PROJECT.resolve("config/application.yaml"));
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue())
                .as("terminationGracePeriodSeconds above camel.main.shutdown-timeout (%d s)", shutdownTimeout)
                .isGreaterThan(shutdownTimeout);
    }

    @Test
    void configMapsHoldEveryRouteAndConfigFileOfTheRepositoryUnchanged() throws IOException {
        assertThat(configMapData("usdtcnpay-bridge-routes")).as(RERENDER)
                .isEqualTo(files(PROJECT.resolve("routes"), ".camel.yaml"));
        assertThat(configMapData("usdtcnpay-bridge-config")).as(RERENDER)
                .isEqualTo(files(PROJECT.resolve("config"), ""));
    }

    @Test
    void configMapsAndSecretsAreMountedWhereTheImagesStartScriptReadsThem() throws IOException {
        Map<String, String> mounts = new TreeMap<>();
        for (Map<String, Object> mount : list(container(), "volumeMounts")) {
            mounts.put((String) mount.get("name"), (String) mount.get("mountPath"));
        }
        Map<String, Map<String, Object>> volumes = new TreeMap<>();
        for (Map<String, Object> volume : list(podSpec(), "volumes")) {
            volumes.put((String) volume.get("name"), volume);
        }
        assertThat(mounts).containsEntry("routes", HOME + "/routes").containsEntry("config", HOME + "/config");
        assertThat(map(volumes.get("routes"), "configMap").get("name")).isEqualTo("usdtcnpay-bridge-routes");
        assertThat(map(volumes.get("config"), "configMap").get("name")).isEqualTo("usdtcnpay-bridge-config");
        assertThat(map(volumes.get("sftp"), "secret").get("secretName")).isEqualTo("usdtcnpay-bridge-sftp");
        Map<String, String> env = env(container());
        assertThat(env.get("ERP_SFTP_PRIVATE_KEY_FILE")).isEqualTo(mounts.get("sftp") + "/id_key");
        assertThat(env.get("ERP_SFTP_KNOWN_HOSTS_FILE")).isEqualTo(mounts.get("sftp") + "/known_hosts");
        assertThat(map(secret("usdtcnpay-bridge-sftp"), "stringData")).containsOnlyKeys("id_key", "known_hosts");

        // the image: the start script under the same home, a JRE 17 base, a user that is not root
        String dockerfile = Files.readString(PROJECT.resolve("deploy/docker/Dockerfile"));
        assertThat(dockerfile).contains("ENTRYPOINT [\"" + HOME + "/bin/usdtcnpay-bridge\"]", "USER 10001:10001")
                .containsPattern("(?m)^FROM \\S+:17-jre")
                .contains("COPY target/dist-app/lib/ " + HOME + "/lib/");
        assertThat(map(podSpec(), "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
    }

    @Test
    void everyEnvironmentVariableTheConfigReadsComesFromTheSecretOrTheDeploymentAndNoSecretValueIsReal()
            throws IOException {
        Map<String, Object> secretEnv = map(secret("usdtcnpay-bridge-env"), "stringData");
        Set<String> given = new TreeSet<>(secretEnv.keySet());
        given.addAll(env(container()).keySet());
        assertThat(given).as("every ${NAME:} of config/*.yaml is set").containsAll(
                RepoConfig.environmentNames(PROJECT.resolve("config")));
        assertThat(list(container(), "envFrom")).extracting(e -> map(e, "secretRef").get("name"))
                .contains("usdtcnpay-bridge-env");
        for (String name : List.of("usdtcnpay-bridge-env", "usdtcnpay-bridge-sftp")) {
            map(secret(name), "stringData").forEach((key, value) -> assertThat(value.toString())
                    .as("%s/%s is a placeholder, not a real value", name, key)
                    .satisfiesAnyOf(v -> assertThat(v).isEmpty(), v -> assertThat(v).contains("CHANGE-ME")));
        }
    }

    private static Map<String, Object> secret(String name) {
        Map<String, Object> secret = documents.get("Secret/" + name);
        assertThat(secret).as("Secret %s", name).isNotNull();
        return secret;
    }

    private static Map<String, Object> podSpec() {
        return map(map(map(documents.get("Deployment/usdtcnpay-bridge"), "spec"), "template"), "spec");
    }

    private static Map<String, Object> container() {
        List<Map<String, Object>> containers = list(podSpec(), "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new TreeMap<>();
        for (Map<String, Object> var : list(container, "env")) {
            env.put((String) var.get("name"), var.get("value") == null ? null : var.get("value").toString());
        }
        return env;
    }

    private static String probePath(Map<String, Object> container, String probe) {
        Map<String, Object> httpGet = map(map(container, probe), "httpGet");
        assertThat(httpGet.get("port")).as("%s port", probe).isEqualTo("http");
        return (String) httpGet.get("path");
    }

    private static Map<String, String> configMapData(String name) {
        Map<String, Object> data = map(documents.get("ConfigMap/" + name), "data");
        Map<String, String> out = new TreeMap<>();
        data.forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        return out;
    }

    /** Regular files of {@code dir} (not below) whose names end with {@code suffix}, name → content. */
    private static Map<String, String> files(Path dir, String suffix) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
                    .toList()) {
                out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        assertThat(out).as("files in %s", dir).isNotEmpty();
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object parent, String key) {
        Object value = ((Map<String, Object>) parent).get(key);
        assertThat(value).as("%s is a mapping", key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as("%s is a list", key).isInstanceOf(List.class);
        return new ArrayList<>((List<Map<String, Object>>) value);
    }
}
