package io.riskplane.bench;

import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.JsonLinesFormat;
import io.riskplane.model.Decoded;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.RiskPlaneJob;
import io.riskplane.replay.ReplayOutput;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * A checkpoint's bytes by operator of the decision job (named by uid): which state the per-key figure is made of.
 * Operators are matched by the hash Flink derives from each uid; what matches none (sinks' writer state) is summed
 * under "other".
 */
final class CheckpointBreakdown {
    private CheckpointBreakdown() {}

    /** Bytes of keyed and operator state per uid, largest first. */
    static Map<String, Long> of(Path checkpointDir) throws IOException {
        Map<OperatorID, String> uids = decisionJobUids();
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(checkpointDir.resolve("_metadata"))) {
            metadata = Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in), CheckpointBreakdown.class.getClassLoader(), checkpointDir.toString());
        }
        Map<String, Long> bytes = new HashMap<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            long size = 0;
            for (OperatorSubtaskState s : op.getSubtaskStates().values()) {
                size += sum(s.getManagedKeyedState())
                        + sum(s.getRawKeyedState())
                        + sum(s.getManagedOperatorState())
                        + sum(s.getRawOperatorState());
            }
            if (op.getCoordinatorState() != null) {
                size += op.getCoordinatorState().getStateSize();
            }
            if (size > 0) {
                bytes.merge(uids.getOrDefault(op.getOperatorID(), "other"), size, Long::sum);
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static long sum(Iterable<? extends StateObject> handles) {
        long n = 0;
        for (StateObject h : handles) {
            n += h.getStateSize();
        }
        return n;
    }

    /** The uids of the decision job's operators, by the operator id Flink derives from each. */
    private static Map<OperatorID, String> decisionJobUids() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FileSource<Decoded> source = FileSource.forRecordStreamFormat(
                        new JsonLinesFormat(new EnvelopeDecoder(
                                PlaneOptions.streaming().maxFutureSkew().toMillis())),
                        new org.apache.flink.core.fs.Path("/nonexistent/input.jsonl"))
                .build();
        ReplayOutput output = new ReplayOutput();
        new RiskPlaneJob(source, output, PlaneOptions.streaming()).build(env);
        Map<OperatorID, String> uids = new HashMap<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid != null) {
                uids.put(new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid)), uid);
            }
        }
        return uids;
    }
}
