package io.riskplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.OrderState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's session and its second act (DemoSecondAct) as one file for `riskplane replay`: with the on-call key
 * (`--operator-key oncall=FILE`) the resume is applied, and globex/pm-arb's guardrail fires again at the 21st order
 * within 10 s (computed here from the generated orders); without it the resume is refused and the scope stays
 * killed, silent. Either way acme/momentum-btc, whose drawdown the whipsaw takes across its limit again and again,
 * is killed and paged once.
 */
class DemoSecondActReplayIT {
    @TempDir
    static Path dir;

    static List<TradingSession.Item> session;
    static long resumeAt;
    static List<TradingSession.Item> burst;
    static Path input;
    static Path keyFile;

    @BeforeAll
    static void bothActsInOneFile() throws Exception {
        keyFile = dir.resolve("oncall.key");
        Files.writeString(
                keyFile,
                java.util.Base64.getEncoder()
                        .encodeToString("replay-oncall-key-replay-oncall!"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        TradingSession demo = TradingSession.demo();
        session = demo.generate();
        resumeAt = DemoSecondAct.resumeTime(session);
        Envelope resume = DemoSecondAct.resumeCommand(keyFile.toString(), Instant.ofEpochMilli(resumeAt));
        burst = demo.runawayAgain(session, resumeAt + 1_000);
        long from = (burst.get(burst.size() - 1).eventTimeMillis() / 1000 + 2) * 1000;
        List<TradingSession.Item> all = new ArrayList<>(session);
        all.add(new TradingSession.Item(Topics.OPERATOR, resumeAt, resume.toByteArray(), null, resume));
        all.addAll(burst);
        all.addAll(demo.drawdownWhipsaw(session, from));
        input = dir.resolve("both-acts.jsonl");
        TradingSession.export(all, input);
    }

    @Test
    void withTheOperatorsKeyTheResumeReArmsTheGuardrail() throws Exception {
        Path out = replay("with-key", "--operator-key", "oncall=" + keyFile);
        List<ControlEvent> controls = controls(out);
        assertThat(controls)
                .filteredOn(c -> c.getRuleId().equals("operator.resume"))
                .extracting(c -> ProtoTime.toMillis(c.getDecidedAt()))
                .containsExactly(resumeAt);
        long tripAt = burst.stream()
                .map(TradingSession.Item::envelope)
                .filter(e -> e.getOrder().getState() == OrderState.SUBMITTED)
                .map(e -> ProtoTime.toMillis(e.getEventTime()))
                .sorted()
                .toList()
                .get(20);
        assertThat(guardrailAfterResume(controls))
                .extracting(c -> c.getRuleId() + "@" + ProtoTime.toMillis(c.getDecidedAt()))
                .containsExactly("guardrail.trip.cooldown@" + tripAt);
        assertDrawdownHaltedAndPagedOnce(out, controls);
    }

    @Test
    void withoutItTheResumeIsRefusedAndTheScopeStaysKilled() throws Exception {
        Path out = replay("without-key");
        List<ControlEvent> controls = controls(out);
        assertThat(controls).noneMatch(c -> c.getRuleId().startsWith("operator."));
        assertThat(guardrailAfterResume(controls)).isEmpty();
        assertThat(Files.readAllLines(out.resolve(PlaneOutputs.DEAD_LETTERS.replayFile())))
                .anySatisfy(l -> assertThat(l).contains("UNKNOWN_OPERATOR").contains(DemoSecondAct.RESUME_COMMAND_ID));
        assertDrawdownHaltedAndPagedOnce(out, controls);
    }

    static void assertDrawdownHaltedAndPagedOnce(Path out, List<ControlEvent> controls) throws Exception {
        List<ControlEvent> kills = controls.stream()
                .filter(c -> c.getRuleId().equals("pnl.drawdown.kill-switch")
                        && c.getScope().getOrg().equals("acme")
                        && c.getScope().getStrategy().equals("momentum-btc"))
                .toList();
        assertThat(kills).hasSize(1);
        List<Envelope> pages = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.ALERTS.replayFile()))) {
            Envelope e = EnvelopeJson.parse(line);
            if (e.getAlert().getRuleId().equals("pnl.drawdown.kill-switch")
                    && e.getAlert().getScope().getStrategy().equals("momentum-btc")) {
                pages.add(e);
            }
        }
        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).getAlert().hasEndsAt()).isFalse();
        assertThat(pages.get(0).getAlert().getControlId())
                .isEqualTo(kills.get(0).getControlId());
    }

    static List<ControlEvent> guardrailAfterResume(List<ControlEvent> controls) {
        return controls.stream()
                .filter(c -> c.getRuleId().startsWith("guardrail.")
                        && c.getScope().getOrg().equals("globex")
                        && c.getScope().getStrategy().equals("pm-arb")
                        && ProtoTime.toMillis(c.getDecidedAt()) > resumeAt)
                .toList();
    }

    static Path replay(String name, String... options) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(
                List.of("replay", "--input", input.toString(), "--out", out.toString(), "--parallelism", "2"));
        args.addAll(List.of(options));
        assertThat(RiskPlaneCli.commandLine().execute(args.toArray(new String[0])))
                .isZero();
        return out;
    }

    static List<ControlEvent> controls(Path out) throws Exception {
        List<ControlEvent> controls = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
            controls.add(EnvelopeJson.parse(line).getControl());
        }
        return controls;
    }
}
