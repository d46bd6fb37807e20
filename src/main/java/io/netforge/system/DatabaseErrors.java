package io.netforge.system;

/** Telling the database's absence from other failures, wherever it surfaces (requests, jobs). */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * Whether an exception comes of the database being unreachable: a connection that could not be had or broke
     * (SQLState class 08, PostgreSQL's 57P01-57P03 for a server shutting down or starting), whatever Spring wrapped
     * it in (a failed rollback on a dropped connection, say).
     */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException
                    || t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && (state.startsWith("08") || state.startsWith("57P0")))
                        || String.valueOf(sql.getMessage()).contains("onnection is closed")
                        || String.valueOf(sql.getMessage()).contains("connection has been closed")) {
                    return true;
                }
            }
        }
        return false;
    }
}
