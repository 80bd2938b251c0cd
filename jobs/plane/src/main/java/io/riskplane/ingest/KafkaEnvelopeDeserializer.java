package io.riskplane.ingest;

import io.riskplane.model.Decoded;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decodes at the source so that watermarks are generated per Kafka partition from the events' own time. */
public final class KafkaEnvelopeDeserializer implements KafkaRecordDeserializationSchema<Decoded> {
    private static final long serialVersionUID = 1L;
    private final EnvelopeDecoder decoder;

    public KafkaEnvelopeDeserializer(EnvelopeDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
        out.collect(decoder.decode(
                record.value(),
                false,
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.timestamp()));
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}
