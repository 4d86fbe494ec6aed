package io.busbar.connectors.bus;

import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Records flowing bus → route → bus, written in the Java DSL and in YAML. */
class BusPipelineTest extends BusTestSupport {

    @Override
    public boolean isUseRouteBuilder() {
        return false;
    }

    @Test
    void javaRouteCopiesKeysValuesAndUserHeadersButNotItsOwnPositionHeaders() throws Exception {
        for (int i = 0; i < 10; i++) {
            produce("raw", "k" + (i % 3), "v" + i, Header.of("tenant", "t" + i));
        }
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:raw?groupId=copier&maxInFlight=8").to("bus:copied");
            }
        });

        List<ConsumedRecord> copied = readAll("copied", 10);
        assertThat(copied).extracting(ConsumedRecord::valueAsString)
                .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        for (int i = 0; i < 10; i++) {
            ConsumedRecord r = copied.get(i);
            assertThat(r.keyAsString()).isEqualTo("k" + (i % 3));
            assertThat(header(r, "tenant")).isEqualTo("t" + i);
            assertThat(headerNames(r)).containsExactly("tenant");
        }
    }

    @Test
    void yamlRouteWithAKeyExpressionInTheUri() throws Exception {
        produce("signups", null, "{\"user\":\"ann\"}", Header.of("country", "NO"));
        produce("signups", null, "{\"user\":\"bob\"}", Header.of("country", "SE"));
        String yaml = """
                - route:
                    id: signups-by-country
                    from:
                      uri: "bus:signups?groupId=geo"
                      steps:
                        - setHeader:
                            name: region
                            simple: "nordics-${header.country}"
                        - to: "bus:signups-by-country?key=${header.country}"
                """;
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("signups.yaml", yaml));
        context.start();

        List<ConsumedRecord> out = readAll("signups-by-country", 2);
        assertThat(out).extracting(ConsumedRecord::keyAsString).containsExactly("NO", "SE");
        assertThat(out).extracting(r -> header(r, "region")).containsExactly("nordics-NO", "nordics-SE");
        assertThat(out.get(0).valueAsString()).isEqualTo("{\"user\":\"ann\"}");
    }
}
