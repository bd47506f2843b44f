package com.usdtcnpaybridge.dist;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** camel.main.shutdown-timeout as config/application.yaml sets it: what every stop grace must exceed. */
final class ShutdownTimeout {
    private ShutdownTimeout() {
    }

    /** Seconds; fails when the file does not set it (Camel's own default, 45 s, is above Kubernetes' default grace). */
    @SuppressWarnings("unchecked")
    static long seconds(Path applicationYaml) throws IOException {
        try (Reader in = Files.newBufferedReader(applicationYaml)) {
            Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            Map<String, Object> camel = (Map<String, Object>) root.get("camel");
            Map<String, Object> main = camel == null ? null : (Map<String, Object>) camel.get("main");
            Object timeout = main == null ? null : main.get("shutdown-timeout");
            if (timeout == null) {
                throw new AssertionError(applicationYaml + " does not set camel.main.shutdown-timeout");
            }
            return Long.parseLong(timeout.toString());
        }
    }
}
