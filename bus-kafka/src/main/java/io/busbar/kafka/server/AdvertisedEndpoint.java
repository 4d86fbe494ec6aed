package io.busbar.kafka.server;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Kafka tells each client the broker address of the listener it connected through. Handlers answer with the first
 * listener's address; for connections of another listener the dispatcher puts that listener's advertised address
 * into Metadata, FindCoordinator and DescribeCluster answers. Immutable.
 */
record AdvertisedEndpoint(String host, int port) {

    ApiMessage rewrite(ApiMessage response) {
        if (response instanceof MetadataResponseData m) {
            m.brokers().forEach(b -> b.setHost(host).setPort(port));
        } else if (response instanceof DescribeClusterResponseData d) {
            d.brokers().forEach(b -> b.setHost(host).setPort(port));
        } else if (response instanceof FindCoordinatorResponseData f) {
            if (f.nodeId() >= 0 && f.port() > 0) {
                f.setHost(host).setPort(port);
            }
            f.coordinators().forEach(c -> {
                if (c.nodeId() >= 0 && c.port() > 0) {
                    c.setHost(host).setPort(port);
                }
            });
        }
        return response;
    }
}
