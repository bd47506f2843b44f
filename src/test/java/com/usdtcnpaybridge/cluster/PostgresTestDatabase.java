package com.usdtcnpaybridge.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL that .ci/run starts (scripts/postgres-up bridge_test). On CI its absence fails
 * the test; on a developer machine without it the test is skipped with a note.
 */
final class PostgresTestDatabase {
    static final String URL = System.getProperty("bridge.test.pg-url", "jdbc:postgresql://127.0.0.1:5432/bridge_test");
    static final String USER = "bridge";
    static final String PASSWORD = "bridge";

    private PostgresTestDatabase() {
    }

    /** Drops everything in the test database, or skips the test (fails on CI) when there is none. */
    static void resetOrSkip() throws SQLException {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        } catch (SQLException e) {
            if (ci) {
                throw e;
            }
            assumeTrue(false, "no PostgreSQL at " + URL + " (run scripts/postgres-up bridge_test): " + e.getMessage());
        }
    }
}
