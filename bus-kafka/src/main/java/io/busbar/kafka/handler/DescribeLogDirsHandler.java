package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogDirs ({@code kafka-log-dirs}, {@code Admin.describeLogDirs}): the bus's data directory is the one log
 * directory, with each partition's size on disk and the file system's total and usable bytes. Thread-safe.
 */
final class DescribeLogDirsHandler implements ApiHandler {

    private final EmbeddedBus bus;

    DescribeLogDirsHandler(EmbeddedBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeLogDirsRequestData request = (DescribeLogDirsRequestData) message;
        DescribeLogDirsResult dir = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code())
                .setLogDir(bus.config().dataDir().toAbsolutePath().toString());
        try {
            FileStore store = Files.getFileStore(bus.config().dataDir());
            dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            dir.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        if (request.topics() == null) {
            bus.topics().forEach(t -> dir.topics().add(describe(t, null)));
        } else {
            for (DescribeLogDirsRequestData.DescribableLogDirTopic topic : request.topics()) {
                Optional<TopicMetadata> meta = bus.topic(topic.topic());
                meta.ifPresent(t -> dir.topics().add(describe(t, topic.partitions())));
            }
        }
        return CompletableFuture.completedFuture(new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code())
                .setResults(new java.util.ArrayList<>(java.util.List.of(dir))));
    }

    private DescribeLogDirsTopic describe(TopicMetadata topic, java.util.List<Integer> partitions) {
        DescribeLogDirsTopic result = new DescribeLogDirsTopic().setName(topic.name());
        for (int p = 0; p < topic.partitions(); p++) {
            if (partitions != null && !partitions.contains(p)) {
                continue;
            }
            long size = bus.partitionLog(new TopicPartition(topic.name(), p)).sizeInBytes();
            result.partitions().add(new DescribeLogDirsPartition().setPartitionIndex(p).setPartitionSize(size)
                    .setOffsetLag(0).setIsFutureKey(false));
        }
        return result;
    }
}
