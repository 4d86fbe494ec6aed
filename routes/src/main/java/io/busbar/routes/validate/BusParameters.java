package io.busbar.routes.validate;

import io.busbar.connectors.bus.BusConfiguration;
import org.apache.camel.spi.UriParam;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The {@code bus:} endpoint's options, read from {@link BusConfiguration}'s {@code @UriParam} fields. */
final class BusParameters {

    /** Options of every Camel endpoint (DefaultEndpoint's setters), accepted on {@code bus:} too. */
    static final Set<String> ENDPOINT_OPTIONS = Set.of("bridgeErrorHandler", "exceptionHandler", "exchangePattern",
            "lazyStartProducer", "autowiredEnabled");

    static final ConnectorSpec SPEC = read();

    /** A consumer ({@code from: bus:...}) must name its group. */
    static final String GROUP_ID = "groupId";

    private BusParameters() {
    }

    private static ConnectorSpec read() {
        List<ParameterSpec> parameters = new ArrayList<>();
        for (Field field : BusConfiguration.class.getDeclaredFields()) {
            UriParam param = field.getAnnotation(UriParam.class);
            if (param == null) {
                continue;
            }
            String name = param.name().isEmpty() ? field.getName() : param.name();
            List<String> enums = param.enums().isEmpty() ? List.of() : Arrays.asList(param.enums().split(","));
            parameters.add(new ParameterSpec(name, typeOf(field.getType()), enums));
        }
        return ConnectorSpec.of("bus:", parameters, Set.of(), ENDPOINT_OPTIONS);
    }

    private static String typeOf(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "integer";
        }
        if (type == double.class || type == float.class || type == Double.class) {
            return "number";
        }
        return type == boolean.class || type == Boolean.class ? "boolean" : "string";
    }
}
