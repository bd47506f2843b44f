package db.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The tables of Quartz's clustered JDBC job store, from the schema script Quartz itself ships
 * for PostgreSQL, so the schema always matches the Quartz version on the class path. Applied only
 * in the {@code cluster} profile (location {@code classpath:db/cluster}).
 */
public class V3_1__Quartz_tables extends BaseJavaMigration {
    private static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        String script;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " not on the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("--") && !trimmed.startsWith("#") && !trimmed.equalsIgnoreCase("commit;")) {
                sql.append(line).append('\n');
            }
        }
        try (Statement st = context.getConnection().createStatement()) {
            for (String statement : sql.toString().split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }
}
