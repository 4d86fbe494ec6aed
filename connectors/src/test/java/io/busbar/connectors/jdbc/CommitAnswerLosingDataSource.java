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
 * failed: the ambiguous outcome of a connection that drops during COMMIT, made repeatable.
 */
final class CommitAnswerLosingDataSource {

    private CommitAnswerLosingDataSource() {
    }

    static DataSource wrap(DataSource real, AtomicBoolean armed) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? connection(c, armed) : result;
                });
    }

    private static Connection connection(Connection real, AtomicBoolean armed) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("commit") && armed.compareAndSet(true, false)) {
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
