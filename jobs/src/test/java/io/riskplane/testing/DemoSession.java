package io.riskplane.testing;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.plane.OutputJson;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.Replay;
import io.riskplane.v1.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The demo trading session as the drills use it: its items, how many are valid and malformed, and the control events
 * a run without faults gives (replay of the same session), which a drill's live run must match.
 */
public record DemoSession(List<TradingSession.Item> items, long valid, long malformed, List<Envelope> controls) {
    /** Generates the session and replays it under dir to learn its control events. */
    public static DemoSession withExpectedControls(Path dir) throws Exception {
        List<TradingSession.Item> items = TradingSession.demo().generate();
        long malformed = items.stream().filter(i -> i.envelope() == null || i.envelope().getEventId()
                .startsWith("bad-")).count();
        Path session = dir.resolve("session.jsonl");
        TradingSession.export(items, session);
        Replay.run(session, dir.resolve("replay"), 2, PlaneOptions.replay());
        List<Envelope> controls = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("replay").resolve(OutputJson.CONTROL_EVENTS))) {
            controls.add(EnvelopeJson.parse(line));
        }
        return new DemoSession(items, items.size() - malformed, malformed, List.copyOf(controls));
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
