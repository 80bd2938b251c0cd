package io.riskplane.bench;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Order;
import io.riskplane.v1.OrderState;
import io.riskplane.v1.OrderType;
import io.riskplane.v1.Quote;
import io.riskplane.v1.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Detection latency, measured live: under a background load of quotes stamped with the wall clock, a strategy of
 * globex sends one order more than its policy allows within the order-rate window (the demo's `globex-default`:
 * 20 per 10 s); the latency is from producing that order to the cooldown control event being readable with
 * read_committed, as the execution service reads it: the early one (rule guardrail.order-rate.early, on the early
 * control topic, decided on arrival) and the confirmed one (rule guardrail.trip.cooldown, on the control topic,
 * after the watermark and the checkpoint). Each breach uses a new strategy, so every one is a first trip.
 */
final class DetectionLatency {
    static final String ORG = "globex";
    static final String INSTRUMENT = "PM:FED-CUT-DEC";
    static final int LIMIT = 20;

    private DetectionLatency() {}

    /** Latencies in ms, one per breach each, sorted: to the early halt and to the confirmed one. */
    record Result(List<Double> early, List<Double> confirmed, double[] loadedRoundTrip) {}

    /** Wall-clock pause between one breach's early halt and the next breach. */
    static final long BREACH_PAUSE_MS = 50;

    /** Round-trip samples taken under the background load, before the breaches. */
    static final int LOADED_RTT_SAMPLES = 500;

    static Result measure(String bootstrap, int breaches, java.util.function.Consumer<String> log) throws Exception {
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        Map<String, Long> earlySeenAt = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong background = new AtomicLong();
        Thread reader = new Thread(() -> readControls(bootstrap, seenAt, earlySeenAt, running), "bench-control-reader");
        Thread load = new Thread(() -> quotes(bootstrap, running, background), "bench-background-quotes");
        reader.start();
        load.start();
        List<Double> latencies = new ArrayList<>();
        List<Double> early = new ArrayList<>();
        double[] loadedRoundTrip;
        Map<String, Long> sentAt = new java.util.LinkedHashMap<>();
        try (EnvelopePublisher orders = new EnvelopePublisher(bootstrap, new Properties())) {
            loadedRoundTrip = PlaneBenchmark.roundTripMillis(bootstrap, LOADED_RTT_SAMPLES);
            for (int k = 0; k < breaches; k++) {
                String strategy = "bench-" + System.nanoTime();
                for (int i = 0; i <= LIMIT; i++) {
                    if (i == LIMIT) {
                        // The first LIMIT orders acknowledged; the clock starts as the breaching one is produced,
                        // as the round trip's does.
                        orders.flush();
                        sentAt.put(strategy, System.nanoTime());
                    }
                    Envelope e = order(strategy, i, System.currentTimeMillis());
                    orders.send(Topics.ORDERS, e, e.toByteArray());
                }
                orders.flush();
                // Only the early halt is awaited here: breaches follow each other every BREACH_PAUSE_MS or so, and
                // the confirmed halts (seconds) are collected at the end, so a run has enough breaches for its p99
                // to be more than its slowest sample.
                awaitAll(earlySeenAt, List.of(strategy), "early");
                Thread.sleep(BREACH_PAUSE_MS); // the breaches' pace, not a synchronisation
            }
            awaitAll(seenAt, sentAt.keySet(), "confirmed");
            sentAt.forEach((strategy, at) -> {
                latencies.add(Math.max(0, seenAt.get(strategy) - at) / 1e6);
                early.add(Math.max(0, earlySeenAt.get(strategy) - at) / 1e6);
            });
        } finally {
            running.set(false);
            reader.join(10_000);
            load.join(10_000);
        }
        log.accept(String.format("detection: %d breaches under %,d background quotes", breaches, background.get()));
        Collections.sort(latencies);
        Collections.sort(early);
        log.accept("detection, early, ms: fastest " + String.format("%.1f", early.get(0)) + ", p90 "
                + String.format("%.1f", PlaneBenchmark.percentile(early, 0.90)) + ", slowest ten "
                + early.subList(Math.max(0, early.size() - 10), early.size()).stream()
                        .map(v -> String.format("%.1f", v))
                        .toList());
        return new Result(early, latencies, loadedRoundTrip);
    }

    /** Waits until the reader has seen a halt for every strategy, polling its map, for at most 60 s. */
    private static void awaitAll(Map<String, Long> seen, java.util.Collection<String> strategies, String which)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!seen.keySet().containsAll(strategies)) {
            if (System.nanoTime() > deadline) {
                List<String> missing =
                        strategies.stream().filter(s -> !seen.containsKey(s)).toList();
                throw new IllegalStateException("no " + which + " cooldown within 60 s for " + missing);
            }
            Thread.sleep(1); // polling the reader's map; the reader itself blocks in poll()
        }
    }

    static Envelope order(String strategy, int i, long now) {
        return Envelope.newBuilder()
                .setEventId(strategy + "-" + i)
                .setSource("bench")
                .setEventTime(ProtoTime.fromMillis(now))
                .setOrder(Order.newBuilder()
                        .setOrderId(strategy + "-" + i)
                        .setClientOrderId("c-" + strategy + "-" + i)
                        .setOrg(ORG)
                        .setStrategy(strategy)
                        .setInstrument(INSTRUMENT)
                        .setVenue("kalshi")
                        .setSide(Side.BUY)
                        .setType(OrderType.LIMIT)
                        .setQuantity(10)
                        .setLimitPrice(0.6)
                        .setDecisionPrice(0.6)
                        .setConfidence(0.5)
                        .setExpectedAdapter("kalshi-api")
                        .setActualAdapter("kalshi-api")
                        .setState(OrderState.SUBMITTED)
                        .setPreviousState(OrderState.DECIDED)
                        .setDecisionTime(ProtoTime.fromMillis(now))
                        .setSubmitTime(ProtoTime.fromMillis(now)))
                .build();
    }

    /** Every venue's quotes every 10 ms, stamped now: event time keeps moving on every active partition. */
    static void quotes(String bootstrap, AtomicBoolean running, AtomicLong sent) {
        String[][] books = {
            {"CRYPTO:BTC-USD", "coinbase"},
            {"CRYPTO:BTC-USD", "kraken"},
            {"CRYPTO:ETH-USD", "coinbase"},
            {"CRYPTO:ETH-USD", "kraken"},
            {"EQ:AAPL", "nasdaq"},
            {"EQ:AAPL", "arca"},
            {"PM:FED-CUT-DEC", "kalshi"},
            {"PM:FED-CUT-DEC", "polymarket"}
        };
        double[] mids = {96_000, 96_000, 3_400, 3_400, 228, 228, 0.62, 0.62};
        try (EnvelopePublisher p = new EnvelopePublisher(bootstrap, new Properties())) {
            while (running.get()) {
                long now = System.currentTimeMillis();
                for (int b = 0; b < books.length; b++) {
                    double mid = mids[b];
                    Envelope e = Envelope.newBuilder()
                            .setEventId("bq-" + b + "-" + System.nanoTime())
                            .setSource("bench")
                            .setEventTime(ProtoTime.fromMillis(now))
                            .setQuote(Quote.newBuilder()
                                    .setInstrument(books[b][0])
                                    .setVenue(books[b][1])
                                    .setBid(mid * 0.9999)
                                    .setAsk(mid * 1.0001)
                                    .setBidSize(1)
                                    .setAskSize(1))
                            .build();
                    p.send(Topics.QUOTES, e, e.toByteArray());
                    sent.incrementAndGet();
                }
                Thread.sleep(10); // the load's pace
            }
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void readControls(
            String bootstrap, Map<String, Long> seenAt, Map<String, Long> earlySeenAt, AtomicBoolean running) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("fetch.max.wait.ms", "5");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : List.of(Topics.CONTROL, Topics.CONTROL_EARLY)) {
                c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            }
            c.assign(tps);
            c.seekToEnd(tps);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    long at = System.nanoTime();
                    try {
                        var control = Envelope.parseFrom(r.value()).getControl();
                        if (control.getKind() == ControlKind.COOLDOWN
                                && control.getScope().getOrg().equals(ORG)) {
                            (r.topic().equals(Topics.CONTROL_EARLY) ? earlySeenAt : seenAt)
                                    .putIfAbsent(control.getScope().getStrategy(), at);
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        // not ours
                    }
                }
            }
        }
    }
}
