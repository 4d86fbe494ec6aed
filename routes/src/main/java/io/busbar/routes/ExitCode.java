package io.busbar.routes;

import io.busbar.bus.InvalidConfigException;
import io.busbar.kafka.ListenerBindException;
import io.busbar.routes.validate.InvalidPipelineException;

import java.net.BindException;

/**
 * The exit codes of every {@code busbar} command (docs/runtime.md "Exit codes"): 0 success, 1 a runtime failure (or
 * {@code busbar validate} found invalid pipelines), 2 a usage or configuration error the user fixes before trying
 * again (picocli's own code for bad options is 2 as well). Signals keep the JVM's codes (130, 143).
 */
public final class ExitCode {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int CONFIG = 2;

    private ExitCode() {
    }

    /** {@link #CONFIG} when anything in the cause chain is a configuration error (a port in use counts), else {@link #FAILURE}. */
    public static int of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidSettingException || t instanceof InvalidConfigException
                    || t instanceof ListenerBindException || t instanceof BindException
                    || t instanceof InvalidPipelineException) {
                return CONFIG;
            }
        }
        return FAILURE;
    }
}
