package io.riskplane.staleness;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ConditionSample;
import io.riskplane.model.CursorRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.SignalRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Each reason, its streak and both lags on a 5 s tick, computed by hand; silence only counts in session. */
class CursorStalenessDetectorTest {
    static final StalenessSettings SETTINGS =
            new StalenessSettings(5_000, 20_000, 10_000, "24x7", Map.of("pairs", "NYSE"));

    static StalenessInput signal(long seq, long at) {
        return StalenessInput.of(new SignalRecord("s" + seq, at, "alpha", seq, at - 100, 0.5, "BTC", "momo", "momo"));
    }

    static StalenessInput cursor(String consumer, long at, long seq, long cursorTime, String lane) {
        return StalenessInput.of(new CursorRecord("c" + at, at, consumer, "alpha", cursorTime, seq, lane));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, StalenessInput, CursorStaleness> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CursorStalenessDetector(SETTINGS), StalenessInput::source, Types.STRING);
    }

    @Test
    void reasonsStreaksAndLags() throws Exception {
        var h = harness();
        long base = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli(); // a Saturday: 24x7 does not care
        h.processElement(signal(1, base + 1_000), base + 1_000);
        h.processElement(signal(2, base + 3_000), base + 3_000);
        h.processElement(cursor("momo", base + 3_500, 2, base + 2_900, "momo"), base + 3_500);
        // shadow's cursor is 12 s past the tail (signal time 2.9 s): more than the 10 s lookback.
        h.processElement(cursor("shadow", base + 3_600, 9, base + 14_900, ""), base + 3_600);
        h.processWatermark(base + 25_000); // the source is silent from 3 s on
        List<CursorStaleness> out = h.extractOutputValues();
        List<String> rows = new ArrayList<>();
        for (CursorStaleness r : out) {
            rows.add(String.format(
                    "%d %s lag=%.1f cur=%.1f ahead=%s/%d stable=%s/%d silent=%s/%d %s",
                    (r.measuredAtMillis() - base) / 1000,
                    r.consumerId(),
                    r.signalLagSeconds(),
                    r.cursorLagSeconds(),
                    r.cursorAheadOfStream(),
                    r.aheadStreak(),
                    r.cursorTailStable(),
                    r.tailStableStreak(),
                    r.noSignalsInWindow(),
                    r.noSignalsStreak(),
                    r.status()));
        }
        // signal lag = tick - 2.9 s; momo's cursor is at the tail (cursor lag 0), stable from the second tick on
        // (the tail did not move since the previous tick); silence since 3 s reaches the 20 s window at 25 s.
        assertThat(rows)
                .containsExactly(
                        "5 momo lag=2.1 cur=0.0 ahead=false/0 stable=false/0 silent=false/0 OK",
                        "5 shadow lag=2.1 cur=-12.0 ahead=true/1 stable=false/0 silent=false/0 STALE",
                        "10 momo lag=7.1 cur=0.0 ahead=false/0 stable=true/1 silent=false/0 STALE",
                        "10 shadow lag=7.1 cur=-12.0 ahead=true/2 stable=true/1 silent=false/0 STALE",
                        "15 momo lag=12.1 cur=0.0 ahead=false/0 stable=true/2 silent=false/0 STALE",
                        "15 shadow lag=12.1 cur=-12.0 ahead=true/3 stable=true/2 silent=false/0 STALE",
                        "20 momo lag=17.1 cur=0.0 ahead=false/0 stable=true/3 silent=false/0 STALE",
                        "20 shadow lag=17.1 cur=-12.0 ahead=true/4 stable=true/3 silent=false/0 STALE",
                        "25 momo lag=22.1 cur=0.0 ahead=false/0 stable=true/4 silent=true/1 STALE",
                        "25 shadow lag=22.1 cur=-12.0 ahead=true/5 stable=true/4 silent=true/1 STALE");
        assertThat(out.get(0).triggerEventIds()).containsExactly("s2", "c" + (base + 3_500));

        // A new signal moves the tail: streaks of the reasons that cleared go back to 0.
        h.processElement(signal(3, base + 26_000), base + 26_000);
        h.processWatermark(base + 30_000);
        CursorStaleness momo = h.extractOutputValues().get(10);
        assertThat(momo.consumerId()).isEqualTo("momo");
        assertThat(momo.cursorLagSeconds()).isEqualTo(23.0); // tail signal 25.9 s, cursor 2.9 s
        assertThat(momo.tailStableStreak()).isZero();
        assertThat(momo.noSignalsStreak()).isZero();
        assertThat(momo.status()).isEqualTo(CursorStaleness.OK);

        // Storage keeps a consumer's row when its status or reasons change, and its first row of each minute.
        // 0-25 s: momo OK, STALE tail-stable from 10 s, + no-signals at 25 s; shadow STALE ahead, + tail-stable from
        // 10 s, + no-signals at 25 s. From 30 s (the tail moved at 26 s): both OK; shadow tail-stable from 35 s
        // (its cursor is at the tail), momo stays OK (behind it); both silent from 50 s (24 s since 26 s); 60 s is
        // a new minute with nothing changed.
        h.processWatermark(base + 65_000);
        List<String> stored = new ArrayList<>();
        for (CursorStaleness r : h.extractOutputValues()) {
            stored.add((r.measuredAtMillis() - base) / 1000 + " " + r.consumerId() + " "
                    + (r.storeReason().isEmpty() ? "-" : r.storeReason()));
        }
        assertThat(stored)
                .containsExactly(
                        "5 momo STATUS_CHANGE",
                        "5 shadow STATUS_CHANGE",
                        "10 momo STATUS_CHANGE",
                        "10 shadow STATUS_CHANGE",
                        "15 momo -",
                        "15 shadow -",
                        "20 momo -",
                        "20 shadow -",
                        "25 momo STATUS_CHANGE",
                        "25 shadow STATUS_CHANGE",
                        "30 momo STATUS_CHANGE",
                        "30 shadow STATUS_CHANGE",
                        "35 momo -",
                        "35 shadow STATUS_CHANGE",
                        "40 momo -",
                        "40 shadow -",
                        "45 momo -",
                        "45 shadow -",
                        "50 momo STATUS_CHANGE",
                        "50 shadow STATUS_CHANGE",
                        "55 momo -",
                        "55 shadow -",
                        "60 momo PERIODIC",
                        "60 shadow PERIODIC",
                        "65 momo -",
                        "65 shadow -");
    }

    @Test
    void outsideTheSessionSilenceIsExpectedAndTheLagSampleIsNotEvidence() throws Exception {
        var h = harness();
        long close = Instant.parse("2026-11-20T21:00:00Z").toEpochMilli(); // 16:00 New York, Friday
        h.processElement(signal(1, close - 7_000), close - 7_000);
        h.processElement(cursor("pairs", close - 6_500, 1, close - 7_100, "pairs"), close - 6_500);
        h.processWatermark(close + 60_000);
        List<CursorStaleness> out = h.extractOutputValues();
        assertThat(out.get(0).sessionOpen()).isTrue();
        assertThat(out.get(out.size() - 1).sessionOpen()).isFalse();
        assertThat(out)
                .filteredOn(r -> !r.sessionOpen())
                .allMatch(r -> !r.noSignalsInWindow()
                        && !r.cursorTailStable()
                        && CursorStaleness.SESSION_CLOSED.equals(r.status()));
        List<ConditionSample> samples = new ArrayList<>();
        var collector = new org.apache.flink.api.common.functions.util.ListCollector<>(samples);
        for (CursorStaleness r : out) {
            new SignalLagSamples().flatMap(r, collector);
        }
        assertThat(samples.get(0).value()).isEqualTo(2.1);
        assertThat(samples.get(samples.size() - 1).value()).isNaN();
        assertThat(samples).allMatch(s -> s.lane().equals("pairs"));
    }

    @Test
    void aSourceQuietPastTheExpiryIsJudgedStaleThenForgotten() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CursorStalenessDetector(SETTINGS, 600_000, 900_000), StalenessInput::source, Types.STRING);
        long base = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();
        h.processElement(signal(1, base + 1_000), base + 1_000);
        h.processElement(cursor("momo", base + 1_000, 1, base + 900, "momo"), base + 1_000);
        for (long wm = base; wm <= base + 1_200_000; wm += 5_000) {
            h.processWatermark(wm);
        }
        List<CursorStaleness> out = h.extractOutputValues();
        // one row per 5 s tick from 5 s to 905 s, the first tick 900 s after the last event
        assertThat(out).hasSize(181);
        CursorStaleness last = out.get(180);
        assertThat(last.measuredAtMillis()).isEqualTo(base + 905_000);
        assertThat(last.status()).isEqualTo(CursorStaleness.STALE);
        assertThat(last.noSignalsStreak()).isEqualTo(177); // silent from the 25 s tick on
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /**
     * The same signals and cursors give the same rows whether the watermark passes them second by second or in one
     * step of three hours, far beyond the one-hour catch-up bound (a backlog read at parallelism 2 moved it so, and
     * the rows of the first hours went missing with the halts they led to).
     */
    @Test
    void aJumpOfTheWatermarkGivesTheSameRowsAsSmallSteps() throws Exception {
        long base = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();
        long hours3 = 3 * 3_600_000L;
        var stepped = harness();
        var jumped = harness();
        long seq = 0;
        for (long t = base; t <= base + hours3; t += 30_000) { // the signals stop for an hour in the middle
            if (t > base + 3_600_000L && t < base + 7_200_000L) {
                continue;
            }
            seq++;
            for (var h : List.of(stepped, jumped)) {
                h.processElement(signal(seq, t), t);
                h.processElement(cursor("momo", t + 10, seq, t - 100, "momo"), t + 10);
            }
        }
        stepped.processWatermark(base - 1);
        jumped.processWatermark(base - 1);
        for (long wm = base; wm <= base + hours3; wm += 1_000) {
            stepped.processWatermark(wm);
        }
        jumped.processWatermark(base + hours3);
        List<String> fine = stepped.extractOutputValues().stream()
                .map(io.riskplane.outputs.PlaneOutputs.CURSOR_STALENESS::json)
                .toList();
        // a row per 5 s tick for the three hours, the silent hour included (computed by hand)
        assertThat(fine).hasSize((int) (hours3 / 5_000));
        assertThat(jumped.extractOutputValues().stream()
                        .map(io.riskplane.outputs.PlaneOutputs.CURSOR_STALENESS::json)
                        .toList())
                .isEqualTo(fine);
    }
}
