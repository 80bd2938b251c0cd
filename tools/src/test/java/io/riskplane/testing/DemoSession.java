package io.riskplane.testing;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.replay.Replay;
import io.riskplane.v1.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The demo trading session as the drills use it: its items, how many are valid and malformed, and the control events
 * (confirmed and early) a run without faults gives (replay of the same session), which a drill's live run must match.
 */
public record DemoSession(
        List<TradingSession.Item> items,
        long valid,
        long malformed,
        List<Envelope> controls,
        List<Envelope> earlyControls) {
    /** Generates the session and replays it under dir to learn its control events. */
    public static DemoSession withExpectedControls(Path dir) throws Exception {
        List<TradingSession.Item> items = TradingSession.demo().generate();
        long malformed = items.stream()
                .filter(i -> i.envelope() == null || i.envelope().getEventId().startsWith("bad-"))
                .count();
        Path session = dir.resolve("session.jsonl");
        TradingSession.export(items, session);
        Replay.run(session, dir.resolve("replay"), 2, PlaneOptions.replay());
        return new DemoSession(
                items,
                items.size() - malformed,
                malformed,
                read(dir.resolve("replay").resolve(PlaneOutputs.CONTROL_EVENTS.replayFile())),
                read(dir.resolve("replay").resolve(PlaneOutputs.EARLY_CONTROL_EVENTS.replayFile())));
    }

    /** The ids of every control event, confirmed and early, sorted: what ClickHouse and Iceberg must hold. */
    public List<String> allControlIds() {
        List<String> ids = new ArrayList<>();
        controls.forEach(e -> ids.add(e.getControl().getControlId()));
        earlyControls.forEach(e -> ids.add(e.getControl().getControlId()));
        return ids.stream().sorted().toList();
    }

    private static List<Envelope> read(Path file) throws Exception {
        List<Envelope> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(EnvelopeJson.parse(line));
        }
        return List.copyOf(out);
    }

    /** Publishes items[from, to) to their topics and flushes. */
    public void publish(String bootstrap, int from, int to) throws Exception {
        try (EnvelopePublisher p = new EnvelopePublisher(bootstrap, new Properties())) {
            for (TradingSession.Item i : items.subList(from, to)) {
                p.send(i.topic(), i.envelope(), i.value());
            }
            p.flush();
        }
    }
}
