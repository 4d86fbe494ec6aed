package io.busbar.connectors.bus;

import io.busbar.bus.Header;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * The open transaction of an exactly-once {@code bus:} consumer ({@link ExactlyOncePoller}), carried by each of its
 * exchanges in the property {@link #PROPERTY}: a {@code bus:} producer in the route hands its records to this
 * transaction instead of the bus. They become visible to read_committed readers only when the consumer commits the
 * transaction together with the consumed offsets, or never (abort). The send is not awaited: a record that fails fails
 * the commit, and the whole batch is rolled back and redelivered. Used by one poller thread and the route's threads,
 * one exchange at a time; KafkaProducer is thread-safe.
 */
final class BusTransaction {

    /** Exchange property naming the transaction the exchange's {@code bus:} sends join. */
    static final String PROPERTY = "BusbarTransaction";

    private final KafkaProducer<byte[], byte[]> producer;

    BusTransaction(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    void send(String topic, byte[] key, byte[] value, List<Header> headers) {
        List<org.apache.kafka.common.header.Header> kafkaHeaders = new ArrayList<>(headers.size());
        for (Header h : headers) {
            kafkaHeaders.add(new RecordHeader(h.key(), h.value()));
        }
        producer.send(new ProducerRecord<>(topic, null, null, key, value, kafkaHeaders));
    }
}
