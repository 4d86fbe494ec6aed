package io.busbar.kafka.codec;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into Kafka request frames (an int32 size, then that many bytes) and does nothing else.
 *
 * <p>Memory is only ever taken for bytes that actually arrived: Netty's cumulation buffer grows with the input, and a
 * frame is emitted only once all of it is there, so a forged size cannot make us allocate (CVE-2022-34917). A size
 * above {@code maxRequestBytes} fails fast with {@link io.netty.handler.codec.TooLongFrameException} and a negative one
 * with {@link io.netty.handler.codec.CorruptedFrameException}; the connection handler logs and closes.
 *
 * <p>Not sharable: one instance per connection.
 */
public final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {

    public KafkaFrameDecoder(int maxRequestBytes) {
        // offset 0, 4-byte length, no adjustment, strip the 4 length bytes, fail as soon as the size is read
        super(maxRequestBytes, 0, 4, 0, 4, true);
    }
}
