package io.riskplane.model.serde;

import io.riskplane.model.OperatorDirective;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** A resume and a halt; nulls and extremes; non-ASCII and an unpaired surrogate; empties. */
class OperatorDirectiveSerializerTest extends CompactSerializerTestBase<OperatorDirective> {
    @Override
    protected TypeSerializer<OperatorDirective> createSerializer() {
        return OperatorDirectiveSerializer.INSTANCE;
    }

    @Override
    protected Class<OperatorDirective> getTypeClass() {
        return OperatorDirective.class;
    }

    @Override
    protected OperatorDirective fixtureValue() {
        return new OperatorDirective(
                "cmd-1", false, "acme", "momentum-btc", "", "", "", "", "pnl.drawdown.kill-switch", 1_765_000_000_123L);
    }

    @Override
    protected OperatorDirective[] getTestData() {
        String odd = "é適\uD83D\uDE00\uD800?";
        return new OperatorDirective[] {
            fixtureValue(),
            new OperatorDirective("cmd-2", true, "acme", "", "", "", "", "", "", Long.MIN_VALUE),
            new OperatorDirective(null, false, null, null, null, null, null, null, null, Long.MAX_VALUE),
            new OperatorDirective(odd, true, odd, odd, odd, odd, odd, odd, odd, 0),
        };
    }
}
