package io.riskplane.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.guardrails.GuardrailInput;
import io.riskplane.guardrails.GuardrailInputSerializer;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.JsonLinesFormat;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.BookEvent;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.SignalRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.model.serde.AlertRecordSerializer;
import io.riskplane.model.serde.BookEventSerializer;
import io.riskplane.model.serde.ConditionEvaluationSerializer;
import io.riskplane.model.serde.ControlRecordSerializer;
import io.riskplane.model.serde.CursorStalenessSerializer;
import io.riskplane.model.serde.DeadLetterRecordSerializer;
import io.riskplane.model.serde.DislocationEpisodeSerializer;
import io.riskplane.model.serde.GuardrailTripSerializer;
import io.riskplane.model.serde.HaltStateRecordSerializer;
import io.riskplane.model.serde.LaneRunEvaluationSerializer;
import io.riskplane.model.serde.OrderRecordSerializer;
import io.riskplane.model.serde.PnlBarSerializer;
import io.riskplane.model.serde.PnlSnapshotSerializer;
import io.riskplane.model.serde.PolicyRecordSerializer;
import io.riskplane.model.serde.SignalRecordSerializer;
import io.riskplane.model.serde.SloEvaluationSerializer;
import io.riskplane.model.serde.SloMeasurementSerializer;
import io.riskplane.model.serde.TelemetryWindowSerializer;
import io.riskplane.plane.LocalFlink;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.RiskPlaneJob;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.pnl.EquityComponentSerializer;
import io.riskplane.replay.ReplayOutput;
import io.riskplane.telemetry.ExecutionFact;
import io.riskplane.telemetry.ExecutionFactSerializer;
import io.riskplane.telemetry.TelemetryBucket;
import io.riskplane.telemetry.TelemetryBucketSerializer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The hot records get their compact serializers wherever the job meets them: on every exchange and operator input
 * and output of the plane's graph as RiskPlaneJob builds it, in state descriptors built from TypeInformation.of, and
 * in the event-time buffer's lists. The annotation on the record is what Flink reads, so this holds in every JVM
 * of a cluster, not only the one that configured the environment.
 */
class CompactSerializersInJobTest {
    /** Each hot record and the serializer it must have. */
    static final Map<Class<?>, Class<?>> COMPACT = new LinkedHashMap<>();

    static {
        COMPACT.put(BookEvent.class, BookEventSerializer.class);
        COMPACT.put(EquityComponent.class, EquityComponentSerializer.class);
        COMPACT.put(PnlSnapshot.class, PnlSnapshotSerializer.class);
        COMPACT.put(OrderRecord.class, OrderRecordSerializer.class);
        COMPACT.put(PolicyRecord.class, PolicyRecordSerializer.class);
        COMPACT.put(ControlRecord.class, ControlRecordSerializer.class);
        COMPACT.put(HaltStateRecord.class, HaltStateRecordSerializer.class);
        COMPACT.put(SloMeasurement.class, SloMeasurementSerializer.class);
        COMPACT.put(SignalRecord.class, SignalRecordSerializer.class);
        COMPACT.put(ExecutionFact.class, ExecutionFactSerializer.class);
        COMPACT.put(GuardrailInput.class, GuardrailInputSerializer.class);
        COMPACT.put(PnlBar.class, PnlBarSerializer.class);
        COMPACT.put(TelemetryWindow.class, TelemetryWindowSerializer.class);
        COMPACT.put(SloEvaluation.class, SloEvaluationSerializer.class);
        COMPACT.put(CursorStaleness.class, CursorStalenessSerializer.class);
        COMPACT.put(ConditionEvaluation.class, ConditionEvaluationSerializer.class);
        COMPACT.put(GuardrailTrip.class, GuardrailTripSerializer.class);
        COMPACT.put(LaneRunEvaluation.class, LaneRunEvaluationSerializer.class);
        COMPACT.put(DislocationEpisode.class, DislocationEpisodeSerializer.class);
        COMPACT.put(AlertRecord.class, AlertRecordSerializer.class);
        COMPACT.put(DeadLetterRecord.class, DeadLetterRecordSerializer.class);
        COMPACT.put(TelemetryBucket.class, TelemetryBucketSerializer.class);
    }

    @Test
    void typeInformationOfEachHotRecordIsCompact() {
        StreamExecutionEnvironment env = jobEnvironment();
        SerializerConfig config = env.getConfig().getSerializerConfig();
        for (Map.Entry<Class<?>, Class<?>> e : COMPACT.entrySet()) {
            TypeSerializer<?> s = TypeInformation.of(e.getKey()).createSerializer(config);
            assertThat(s).as(e.getKey().getSimpleName()).isInstanceOf(e.getValue());
            // EventTimeBuffer's MapState<Long, List<T>>.
            TypeSerializer<?> list = Types.LIST(TypeInformation.of(e.getKey())).createSerializer(config);
            assertThat(((ListSerializer<?>) list).getElementSerializer()).isInstanceOf(e.getValue());
        }
    }

    @Test
    void everyExchangeAndOperatorOfThePlaneUsesThem() throws Exception {
        StreamExecutionEnvironment env = jobEnvironment();
        FileSource<Decoded> source = FileSource.forRecordStreamFormat(
                        new JsonLinesFormat(new EnvelopeDecoder(
                                PlaneOptions.streaming().maxFutureSkew().toMillis())),
                        new org.apache.flink.core.fs.Path("/nonexistent/input.jsonl"))
                .build();
        ReplayOutput output = new ReplayOutput();
        new RiskPlaneJob(source, output, PlaneOptions.streaming()).build(env);
        output.lines().sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        StreamGraph graph = env.getStreamGraph();

        List<TypeSerializer<?>> all = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                collect(in, all, new IdentityHashMap<>());
            }
            collect(node.getTypeSerializerOut(), all, new IdentityHashMap<>());
        }
        for (TypeSerializer<?> s : all) {
            if (s instanceof PojoSerializer<?>) {
                assertThat(COMPACT)
                        .as("a POJO serializer in the graph: " + pojoClass(s))
                        .doesNotContainKey(pojoClass(s));
            }
        }
        for (Class<?> compact : COMPACT.values()) {
            if (compact == PnlSnapshotSerializer.class) {
                continue; // judged inside the PnL hosts, never exchanged: storage gets bars (a test can attach them)
            }
            if (compact == TelemetryBucketSerializer.class) {
                continue; // only in ExecutionTelemetry's keyed state, never exchanged
            }
            assertThat(all)
                    .as(compact.getSimpleName() + " on the plane's exchanges")
                    .anyMatch(compact::isInstance);
        }
    }

    /** The environment as the plane's commands make it, with the configuration RiskPlaneJob.build applies. */
    private static StreamExecutionEnvironment jobEnvironment() {
        return LocalFlink.environment(new Configuration());
    }

    /** The serializer and every serializer nested in it (POJO fields, list elements, map values, ...). */
    private static void collect(Object s, List<TypeSerializer<?>> out, IdentityHashMap<Object, Boolean> seen) {
        if (s == null || seen.put(s, true) != null) {
            return;
        }
        if (s instanceof TypeSerializer<?> ts) {
            out.add(ts);
        }
        for (Class<?> c = s.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                boolean one = TypeSerializer.class.isAssignableFrom(f.getType());
                boolean many = f.getType().isArray()
                        && TypeSerializer.class.isAssignableFrom(f.getType().getComponentType());
                if (!one && !many) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(s);
                    if (one) {
                        collect(v, out, seen);
                    } else if (v != null) {
                        for (Object x : (Object[]) v) {
                            collect(x, out, seen);
                        }
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new AssertionError("cannot inspect " + f, e);
                }
            }
        }
    }

    private static Class<?> pojoClass(TypeSerializer<?> pojo) {
        try {
            Field f = PojoSerializer.class.getDeclaredField("clazz");
            f.setAccessible(true);
            return (Class<?>) f.get(pojo);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
