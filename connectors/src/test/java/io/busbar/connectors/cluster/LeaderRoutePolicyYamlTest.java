package io.busbar.connectors.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policy declared as a YAML bean, as pipelines do (docs/runtime.md, "Sources that run on one instance"). */
class LeaderRoutePolicyYamlTest {

    @Test
    void aYamlBeanSetsTheElectionNameAndSessionTimeout() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("leader.yaml", """
                    - beans:
                        - name: ordersInboxLeader
                          type: io.busbar.connectors.cluster.LeaderRoutePolicy
                          constructors:
                            0: orders-inbox
                          properties:
                            sessionTimeoutMs: 5000
                    """));
            LeaderRoutePolicy policy = camel.getRegistry().lookupByNameAndType("ordersInboxLeader", LeaderRoutePolicy.class);
            assertThat(policy).isNotNull();
            assertThat(policy.getSessionTimeout()).isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void theSessionTimeoutDefaultsToTenSecondsAndRefusesLessThanOne() {
        LeaderRoutePolicy policy = new LeaderRoutePolicy("orders-inbox");
        assertThat(policy.getSessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> policy.setSessionTimeoutMs(200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-inbox").hasMessageContaining("at least 1 s");
    }
}
