package db.vendor.h2;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * H2 only: drops the foreign key from {@code payment_order.batch_id} to {@code batch}. H2 2.3 gives
 * that key an index of its own (it cannot use {@code uq_order_line (batch_id, line_no)}), a fifth
 * B-tree every stored line writes; without it a 200,000-line file goes in about 10 % faster (see
 * bench/README.md). Orders are written only with the batch row they belong to (the same
 * intake), and retention deletes a batch's orders before the batch. PostgreSQL keeps the key: it
 * makes no index for it. A Java migration because H2 named the key itself (CONSTRAINT_nn).
 */
public class V9_1__h2_order_batch_without_foreign_key extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        List<String> keys = new ArrayList<>();
        try (Statement st = context.getConnection().createStatement();
                ResultSet rs = st.executeQuery("SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                        + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = 'PAYMENT_ORDER'"
                        + " AND CONSTRAINT_TYPE = 'FOREIGN KEY'")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        for (String key : keys) {
            try (Statement st = context.getConnection().createStatement()) {
                // the name comes from the database's own catalogue, quoted as an identifier
                st.execute("ALTER TABLE payment_order DROP CONSTRAINT \"" + key.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
