package io.riskplane.model.serde;

import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Both kinds of directive, each with the values its own serializer's test uses. */
class RuleDirectiveSerializerTest extends CompactSerializerTestBase<RuleDirective> {
    @Override
    protected TypeSerializer<RuleDirective> createSerializer() {
        return RuleDirectiveSerializer.INSTANCE;
    }

    @Override
    protected Class<RuleDirective> getTypeClass() {
        return RuleDirective.class;
    }

    @Override
    protected RuleDirective fixtureValue() {
        return RuleDirective.of(new OperatorDirectiveSerializerTest().fixtureValue());
    }

    @Override
    protected RuleDirective[] getTestData() {
        PolicyRecord[] policies = new PolicyRecordSerializerTest().getTestData();
        OperatorDirective[] commands = new OperatorDirectiveSerializerTest().getTestData();
        RuleDirective[] all = new RuleDirective[policies.length + commands.length];
        for (int i = 0; i < policies.length; i++) {
            all[i] = RuleDirective.of(policies[i]);
        }
        for (int i = 0; i < commands.length; i++) {
            all[policies.length + i] = RuleDirective.of(commands[i]);
        }
        return all;
    }
}
