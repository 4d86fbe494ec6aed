package io.busbar.bus;

/** Where an acknowledged record landed. Returned only once the record is durable under the bus's durability policy. */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {
}
