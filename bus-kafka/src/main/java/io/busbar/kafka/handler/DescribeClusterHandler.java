package io.busbar.kafka.handler;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/** DescribeCluster: the one broker, which is also the controller. Thread-safe. */
final class DescribeClusterHandler implements ApiHandler {

    private final BrokerIdentity broker;

    DescribeClusterHandler(BrokerIdentity broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setErrorCode(Errors.NONE.code())
                .setClusterId(broker.clusterId())
                .setControllerId(broker.nodeId());
        response.brokers().add(new DescribeClusterBroker().setBrokerId(broker.nodeId())
                .setHost(broker.host()).setPort(broker.port()));
        return CompletableFuture.completedFuture(response);
    }
}
