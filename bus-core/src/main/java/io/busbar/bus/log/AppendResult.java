package io.busbar.bus.log;

import java.util.concurrent.CompletableFuture;

/**
 * Where an append landed. {@code durable} completes (with the new high watermark) once the records are durable under
 * the durability policy, or exceptionally if the fsync failed. Nothing may be acknowledged before it completes.
 */
public record AppendResult(long baseOffset, long lastOffset, long maxTimestamp, int recordCount,
                           CompletableFuture<Long> durable) {
}
