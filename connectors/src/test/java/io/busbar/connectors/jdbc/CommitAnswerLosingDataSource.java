package io.busbar.connectors.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real data source whose connections, while {@code armed}, let the database apply one COMMIT and then report it as
 * failed: the ambiguous outcome of a connection that drops during COMMIT, made repeatable. {@link #failing} instead
 * rolls that COMMIT back before reporting the failure: a transaction that really failed at its end.
 */
final class CommitAnswerLosingDataSource {

    private CommitAnswerLosingDataSource() {
    }

    static DataSource wrap(DataSource real, AtomicBoolean armed) {
        return wrap(real, armed, true);
    }

    /** Connections whose next COMMIT, while {@code armed}, is rolled back and reported as failed. */
    static DataSource failing(DataSource real, AtomicBoolean armed) {
        return wrap(real, armed, false);
    }

    private static DataSource wrap(DataSource real, AtomicBoolean armed, boolean applied) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? connection(c, armed, applied) : result;
                });
    }

    private static Connection connection(Connection real, AtomicBoolean armed, boolean applied) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (!applied && method.getName().equals("commit") && armed.compareAndSet(true, false)) {
                        real.rollback();
                        throw new SQLTransientConnectionException("connection reset before COMMIT (injected; rolled back)");
                    }
                    Object result = invoke(real, method, args);
                    if (applied && method.getName().equals("commit") && armed.compareAndSet(true, false)) {
                        throw new SQLTransientConnectionException("connection reset during COMMIT (injected after the"
                                + " database committed)");
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
