package io.busbar.routes.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.connectors.bus.BusAccessDeniedException;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code busbar.pipelines.principal}: with the Kafka listener's ACLs enforced, pipelines run as that principal. A route
 * whose topics and group are granted starts; one that writes a topic it may not write does not, and the error names the
 * principal, the operation, the topic and the grant to add.
 */
class PipelinePrincipalTest {

    @TempDir
    Path dir;

    @Test
    void pipelinesAreHeldToTheAclsOfTheirPrincipal() throws Exception {
        KafkaListenerService service = new KafkaListenerService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), Map.of("busbar.kafka.listener", "127.0.0.1:0", "busbar.kafka.authorizer", "acl",
                        "busbar.kafka.super.users", "User:ANONYMOUS", "busbar.pipelines.principal", "User:pipes"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings));
            CamelContext camel = new DefaultCamelContext();
            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    service.endpoints().get(0).substring("kafka://".length())))) {
                admin.createAcls(List.of(allow(ResourceType.TOPIC, "orders", AclOperation.READ),
                        allow(ResourceType.GROUP, "copier", AclOperation.READ),
                        allow(ResourceType.TOPIC, "orders.dlq", AclOperation.WRITE),
                        allow(ResourceType.TOPIC, "orders-copy", AclOperation.WRITE))).all().get(20, TimeUnit.SECONDS);

                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:orders?groupId=copier").routeId("granted").to("bus:orders-copy");
                    }
                });
                service.camelConfigured(camel);
                camel.start();
                assertThat(camel.getRouteController().getRouteStatus("granted")).isEqualTo(ServiceStatus.Started);

                assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:orders?groupId=copier").routeId("not-granted").to("bus:payments");
                    }
                })).hasRootCauseInstanceOf(BusAccessDeniedException.class)
                        .rootCause().hasMessageContaining("User:pipes").hasMessageContaining("WRITE")
                        .hasMessageContaining("topic 'payments'").hasMessageContaining("kafka-acls --add");
            } finally {
                camel.stop();
                service.stop();
            }
        }
    }

    private static AclBinding allow(ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:pipes", "*", op, AclPermissionType.ALLOW));
    }
}
