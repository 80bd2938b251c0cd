package io.riskplane.model.serde;

import io.riskplane.model.RuleDirective;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link RuleDirective}: a tag (0 policy, 1 command), then that record with its own serializer. */
public final class RuleDirectiveSerializer extends CompactSerializer<RuleDirective> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final RuleDirectiveSerializer INSTANCE = new RuleDirectiveSerializer();

    @Override
    public void serialize(RuleDirective r, DataOutputView out) throws IOException {
        if (r.policy() != null) {
            out.writeByte(0);
            PolicyRecordSerializer.INSTANCE.serialize(r.policy(), out);
        } else {
            out.writeByte(1);
            OperatorDirectiveSerializer.INSTANCE.serialize(r.command(), out);
        }
    }

    @Override
    public RuleDirective deserialize(DataInputView in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case 0 -> RuleDirective.of(PolicyRecordSerializer.INSTANCE.deserialize(in));
            case 1 -> RuleDirective.of(OperatorDirectiveSerializer.INSTANCE.deserialize(in));
            default -> throw new IOException("unknown rule directive tag " + tag);
        };
    }

    @Override
    public RuleDirective createInstance() {
        return RuleDirective.of(PolicyRecordSerializer.INSTANCE.createInstance());
    }

    @Override
    public TypeSerializerSnapshot<RuleDirective> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<RuleDirective> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<RuleDirective> {
        public Factory() {
            super(RuleDirective.class, INSTANCE);
        }
    }
}
