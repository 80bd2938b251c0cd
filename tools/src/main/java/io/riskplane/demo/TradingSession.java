package io.riskplane.demo;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.v1.AssetClass;
import io.riskplane.v1.CursorCommit;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.ErrorCategory;
import io.riskplane.v1.Fill;
import io.riskplane.v1.GateResult;
import io.riskplane.v1.HealthProbe;
import io.riskplane.v1.InstrumentLifecycle;
import io.riskplane.v1.InstrumentRegistryEntry;
import io.riskplane.v1.LaneOutcome;
import io.riskplane.v1.LaneRun;
import io.riskplane.v1.Liquidity;
import io.riskplane.v1.Order;
import io.riskplane.v1.OrderState;
import io.riskplane.v1.OrderType;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Side;
import io.riskplane.v1.Signal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A realistic, reproducible trading session: two orgs, three strategies over crypto, equities and a prediction
 * market, quotes from two venues per instrument, orders with their state transitions and fills, signals, cursor
 * commits, health probes, lane runs, the instrument registry and risk policies (with a mid-session policy
 * version). At {@link #INCIDENT_OFFSET} BTC falls about 9% while acme/momentum-btc is long: its drawdown breaches
 * its policy's max_drawdown and the plane must halt it. A few malformed records ride along for the dead letters.
 */
public final class TradingSession {
    public static final Instant DEFAULT_START = Instant.parse("2026-11-20T14:30:00Z");
    public static final Duration DEFAULT_LENGTH = Duration.ofMinutes(60);
    public static final Duration INCIDENT_OFFSET = Duration.ofMinutes(40);
    public static final String INCIDENT_ORG = "acme";
    public static final String INCIDENT_STRATEGY = "momentum-btc";
    public static final double INCIDENT_MAX_DRAWDOWN = 25_000;
    /** Kraken stops quoting ETH for 90 s from +25 min: the quote-freshness SLO halts, then resumes, it. */
    public static final Duration QUOTE_GAP_OFFSET = Duration.ofMinutes(25);

    public static final Duration QUOTE_GAP = Duration.ofSeconds(90);
    public static final String QUOTE_GAP_VENUE = "kraken";
    public static final String QUOTE_GAP_INSTRUMENT = "CRYPTO:ETH-USD";
    /** Coinbase quotes BTC 0.5% above Kraken for 30 s from +15 min: a cross-venue dislocation episode. */
    public static final Duration DISLOCATION_OFFSET = Duration.ofMinutes(15);

    public static final Duration DISLOCATION = Duration.ofSeconds(30);
    public static final double DISLOCATION_PREMIUM = 0.005;
    /** nasdaq-ouch fills take 2-3 s from +50 to +58 min: the latency SLO halts the adapter (no auto-resume). */
    /** alpha-feed goes silent: lane-momo's signal lag grows past its limit and the lane is halted. */
    public static final Duration SIGNAL_GAP_OFFSET = Duration.ofMinutes(6);

    public static final Duration SIGNAL_GAP = Duration.ofSeconds(90);
    public static final String SIGNAL_SOURCE = "alpha-feed";
    public static final String SIGNAL_LANE = "lane-momo";
    /** shadow-momo commits a cursor five minutes past the stream tail (a clock bug): cursor_ahead_of_stream. */
    public static final Duration CURSOR_AHEAD_OFFSET = Duration.ofMinutes(20);
    /** A fat-fingered AAPL order reaches 2% through its decision price: a spread-cross guardrail trip. */
    public static final Duration SPREAD_CROSS_OFFSET = Duration.ofMinutes(12);
    /** kraken-rest's primary session is down: every order falls back until the route is rolled back. */
    public static final String FALLBACK_ROUTE = "kraken-rest";

    public static final Duration FALLBACK_FROM = Duration.ofMinutes(30);
    public static final Duration FALLBACK_UNTIL = Duration.ofMinutes(40);
    /** lane-pm moves to pm-v7, which fails every run: rollback to pm-v6 after the third failure. */
    public static final String ROLLBACK_LANE = "lane-pm";

    public static final Duration NEW_LANE_VERSION_AT = Duration.ofMinutes(45);
    /** globex/pm-arb runs away three times: 25 orders in 5 s each, two minutes apart. */
    public static final Duration RUNAWAY_OFFSET = Duration.ofMinutes(52);

    public static final int RUNAWAY_BURSTS = 3;
    public static final int RUNAWAY_ORDERS = 25;

    public static final String SLOW_ADAPTER = "nasdaq-ouch";
    public static final Duration SLOW_FROM = Duration.ofMinutes(50);
    public static final Duration SLOW_UNTIL = Duration.ofMinutes(58);

    /** A record to publish: the topic and the value bytes. json is the canonical text form, null for raw garbage. */
    public record Item(String topic, long eventTimeMillis, byte[] value, String json, Envelope envelope) {
        /** The canonical JSON line (raw text for records that are not envelopes). */
        public String jsonLine() {
            return json != null ? json : io.riskplane.contract.EnvelopeJson.print(envelope);
        }
    }

    /**
     * Writes items for `riskplane replay` and `riskplane produce`: length-delimited Protobuf values (as on Kafka) when
     * the file name ends in {@code .pb}, otherwise JSON Lines.
     */
    public static void export(List<Item> items, java.nio.file.Path file) throws java.io.IOException {
        if (file.getParent() != null) {
            java.nio.file.Files.createDirectories(file.getParent());
        }
        if (io.riskplane.ingest.DelimitedEnvelopeFormat.isDelimited(file)) {
            try (java.io.OutputStream out =
                    new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 16)) {
                for (Item i : items) {
                    io.riskplane.ingest.DelimitedEnvelopeFormat.write(out, i.value());
                }
            }
            return;
        }
        try (java.io.BufferedWriter w = java.nio.file.Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Item i : items) {
                w.write(i.jsonLine());
                w.write('\n');
            }
        }
    }

    private record Instrument(
            String id, AssetClass assetClass, String[] venues, double start, double vol, String calendar) {}

    private record Strategy(String org, String name, String instrument, double clip, String adapter, String lane) {}

    private static final List<Instrument> INSTRUMENTS = List.of(
            new Instrument(
                    "CRYPTO:BTC-USD", AssetClass.CRYPTO, new String[] {"coinbase", "kraken"}, 96_000, 0.0004, "24x7"),
            new Instrument(
                    "CRYPTO:ETH-USD", AssetClass.CRYPTO, new String[] {"coinbase", "kraken"}, 3_400, 0.0005, "24x7"),
            new Instrument("EQ:AAPL", AssetClass.EQUITY, new String[] {"nasdaq", "arca"}, 228, 0.0002, "NYSE"),
            new Instrument(
                    "PM:FED-CUT-DEC",
                    AssetClass.PREDICTION_MARKET,
                    new String[] {"kalshi", "polymarket"},
                    0.62,
                    0.002,
                    "24x7"));

    private static final List<Strategy> STRATEGIES = List.of(
            new Strategy("acme", "momentum-btc", "CRYPTO:BTC-USD", 0.05, "coinbase-fix", "lane-momo"),
            new Strategy("acme", "meanrev-eth", "CRYPTO:ETH-USD", 1, "kraken-rest", "lane-meanrev"),
            new Strategy("acme", "pairs-aapl", "EQ:AAPL", 20, "nasdaq-ouch", "lane-pairs"),
            new Strategy("globex", "pm-arb", "PM:FED-CUT-DEC", 500, "kalshi-api", "lane-pm"));

    private final long seed;
    private final Instant start;
    private final Duration length;
    private final int scale;

    public TradingSession(long seed, Instant start, Duration length) {
        this(seed, start, length, 1);
    }

    /**
     * @param scale how many times the strategies and instruments: 1 is the session above; N adds N-1 replicas of
     *     every instrument (same venues, a random walk of its own, suffix {@code -R<n>}) each traded by a replica
     *     of its strategies (same org, adapter and lane, suffix {@code -r<n>}), without the incidents. The
     *     original records are the same at every scale, so the designed breaches still happen (the bench's
     *     `--scale`: how throughput and state grow with the keys).
     */
    public TradingSession(long seed, Instant start, Duration length, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, not " + scale);
        }
        this.seed = seed;
        this.start = start;
        this.length = length;
        this.scale = scale;
    }

    public static TradingSession demo() {
        return new TradingSession(42, DEFAULT_START, DEFAULT_LENGTH);
    }

    public List<Item> generate() {
        Random rnd = new Random(seed);
        List<Item> items = new ArrayList<>();
        long t0 = start.toEpochMilli();
        long end = t0 + length.toMillis();
        long incidentStart = t0 + INCIDENT_OFFSET.toMillis();
        long incidentEnd = incidentStart + Duration.ofMinutes(3).toMillis();
        Counter ids = new Counter("evt-" + seed + "-");

        for (Instrument in : INSTRUMENTS) {
            for (String venue : in.venues()) {
                items.add(item(
                        ids,
                        "registry",
                        t0 - 60_000,
                        b -> b.setInstrument(InstrumentRegistryEntry.newBuilder()
                                .setInstrument(in.id())
                                .setVenue(venue)
                                .setVenueSymbol(venueSymbol(in.id(), venue))
                                .setAssetClass(in.assetClass())
                                .setQuoteCurrency("USD")
                                .setTickSize(in.start() < 1 ? 0.01 : 0.01)
                                .setLotSize(in.assetClass() == AssetClass.EQUITY ? 1 : 0.0001)
                                .setLifecycle(InstrumentLifecycle.ACTIVE)
                                .setMarketCalendar(in.calendar()))));
            }
        }
        // Guardrails ride on each org's default policy: acme caps spread cross and adverse selection, globex each
        // strategy's order rate; cooldowns escalate and the third trip within 15 minutes kills.
        items.add(policy(ids, t0 - 60_000, "acme-default", 1, "acme", "*", 50_000, 0, 0, ACME_GUARDRAILS));
        // Lanes: signal lag limit and rollback on repeated failures; routes: fallback budget.
        items.add(item(
                ids,
                "risk-desk",
                t0 - 60_000,
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("lanes-default")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setLane("*"))
                        .putThresholds("signal_lag_max_s", 10)
                        .putThresholds("signal_lag_for_s", 30)
                        .putThresholds("lane_max_failures", 3)
                        .putThresholds("lane_failure_window_s", 900))));
        items.add(item(
                ids,
                "risk-desk",
                t0 - 60_000,
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("routes-default")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setAdapter("*"))
                        .putThresholds("fallback_ratio_budget", 0.5)
                        .putThresholds("fallback_budget_for_s", 120)
                        .putThresholds("fallback_min_samples", 5))));
        items.add(policy(
                ids, t0 - 60_000, "acme-momentum-btc", 1, "acme", INCIDENT_STRATEGY, INCIDENT_MAX_DRAWDOWN, 0, 0));
        items.add(policy(ids, t0 - 60_000, "acme-org", 1, "acme", "", 150_000, 0, 0));
        items.add(policy(
                ids,
                t0 - 60_000,
                "globex-default",
                1,
                "globex",
                "*",
                5_000,
                0,
                0,
                Map.of(
                        "max_orders_strategy",
                        20.0,
                        "order_rate_window_s",
                        10.0,
                        "cooldown_base_s",
                        30.0,
                        "cooldown_max_s",
                        300.0,
                        "kill_trips",
                        3.0,
                        "trip_window_s",
                        900.0)));
        items.add(policy(ids, t0 - 60_000, "globex-org", 1, "globex", "", 20_000, 0, 0));
        // SLO policies for every venue and every adapter (scope "*"), thresholds by name.
        items.add(item(
                ids,
                "risk-desk",
                t0 - 60_000,
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("slo-venues")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setVenue("*"))
                        .setAutoResume(true)
                        .putThresholds("quote_freshness_ms", 10_000)
                        .putThresholds("confirm_evaluations", 3)
                        .putThresholds("resume_evaluations", 3))));
        items.add(item(
                ids,
                "risk-desk",
                t0 - 60_000,
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("slo-adapters")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setAdapter("*"))
                        .setAutoResume(false)
                        .putThresholds("latency_p95_ms", 1_500)
                        .putThresholds("latency_min_samples", 10)
                        .putThresholds("rejection_rate", 0.3)
                        .putThresholds("rejection_min_samples", 10)
                        .putThresholds("error_budget_target", 0.9)
                        .putThresholds("confirm_evaluations", 3)
                        .putThresholds("resume_evaluations", 5))));
        // Hot reload: the risk desk tightens acme's default mid-session; it takes effect from its event time.
        items.add(policy(
                ids,
                t0 + Duration.ofMinutes(20).toMillis(),
                "acme-default",
                2,
                "acme",
                "*",
                40_000,
                0.5,
                30_000,
                ACME_GUARDRAILS));

        // Quotes: a random walk per instrument, two venues a little apart, every second.
        long gapStart = t0 + QUOTE_GAP_OFFSET.toMillis();
        long gapEnd = gapStart + QUOTE_GAP.toMillis();
        double[] mids = INSTRUMENTS.stream().mapToDouble(Instrument::start).toArray();
        List<double[]> midPath = new ArrayList<>();
        for (long t = t0; t <= end; t += 1000) {
            for (int i = 0; i < INSTRUMENTS.size(); i++) {
                Instrument in = INSTRUMENTS.get(i);
                double drift = 0;
                if (i == 0 && t >= incidentStart && t < incidentEnd) {
                    drift = -0.09 / 180.0; // BTC: about -9% over three minutes
                }
                mids[i] = Math.max(in.start() * 0.05, mids[i] * (1 + drift + in.vol() * rnd.nextGaussian()));
                if (in.assetClass() == AssetClass.PREDICTION_MARKET) {
                    mids[i] = Math.min(0.98, Math.max(0.02, mids[i]));
                }
                for (int v = 0; v < in.venues().length; v++) {
                    String venue = in.venues()[v];
                    if (venue.equals(QUOTE_GAP_VENUE)
                            && in.id().equals(QUOTE_GAP_INSTRUMENT)
                            && t >= gapStart
                            && t < gapEnd) {
                        continue;
                    }
                    double mid = mids[i] * (1 + (v == 0 ? 0.00005 : -0.00005));
                    if (i == 0
                            && v == 0
                            && t >= t0 + DISLOCATION_OFFSET.toMillis()
                            && t < t0 + DISLOCATION_OFFSET.toMillis() + DISLOCATION.toMillis()) {
                        mid *= 1 + DISLOCATION_PREMIUM;
                    }
                    double half = mid * (in.assetClass() == AssetClass.PREDICTION_MARKET ? 0.005 : 0.00005);
                    long qt = t + v * 7L + i;
                    double bid = round(mid - half);
                    double ask = Math.max(bid, round(mid + half));
                    items.add(item(
                            ids,
                            venue + "-md",
                            qt,
                            b -> b.setQuote(Quote.newBuilder()
                                    .setVenue(venue)
                                    .setInstrument(in.id())
                                    .setVenueSymbol(venueSymbol(in.id(), venue))
                                    .setBid(bid)
                                    .setAsk(ask)
                                    .setBidSize(round(1 + rnd.nextInt(20)))
                                    .setAskSize(round(1 + rnd.nextInt(20)))
                                    .setExchangeTime(ProtoTime.fromMillis(qt - 3))
                                    .setReceiveTime(ProtoTime.fromMillis(qt + 2)))));
                }
            }
            midPath.add(mids.clone());
        }

        // Orders and fills: every strategy trades every ~30 s; momentum-btc builds a long into the incident.
        int orderNo = 0;
        for (long t = t0 + 5_000; t < end - 5_000; t += 30_000) {
            int step = (int) ((t - t0) / 1000);
            for (int s = 0; s < STRATEGIES.size(); s++) {
                Strategy st = STRATEGIES.get(s);
                int ii = indexOf(st.instrument());
                double mid = midPath.get(Math.min(step, midPath.size() - 1))[ii];
                Side side;
                if (st.name().equals(INCIDENT_STRATEGY)) {
                    side = t < incidentStart ? Side.BUY : (rnd.nextDouble() < 0.5 ? Side.BUY : Side.SELL);
                } else {
                    side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                }
                orderNo++;
                long td = t + s * 113L;
                boolean slow = st.adapter().equals(SLOW_ADAPTER)
                        && t >= t0 + SLOW_FROM.toMillis()
                        && t < t0 + SLOW_UNTIL.toMillis();
                boolean forcedFallback = st.adapter().equals(FALLBACK_ROUTE)
                        && t >= t0 + FALLBACK_FROM.toMillis()
                        && t < t0 + FALLBACK_UNTIL.toMillis();
                items.addAll(order(ids, rnd, st, side, mid, td, orderNo, slow, forcedFallback));
            }
        }

        // Signals, cursor commits and probes: the rest of the traffic the plane stores.
        long seq = 0;
        long signalGapStart = t0 + SIGNAL_GAP_OFFSET.toMillis();
        long signalGapEnd = signalGapStart + SIGNAL_GAP.toMillis();
        java.util.TreeMap<Long, long[]> sent = new java.util.TreeMap<>(); // event time -> {sequence, signal time}
        for (long t = t0; t < end; t += 2_000) {
            seq++;
            long st = t + 500;
            long sequence = seq;
            double confidence = round4(0.4 + 0.5 * rnd.nextDouble());
            if (st < signalGapStart || st >= signalGapEnd) {
                sent.put(st, new long[] {sequence, st - 40});
                items.add(item(
                        ids,
                        SIGNAL_SOURCE,
                        st,
                        b -> b.setSignal(Signal.newBuilder()
                                .setSource(SIGNAL_SOURCE)
                                .setSignalId("sig-" + sequence)
                                .setSequence(sequence)
                                .setSignalTime(ProtoTime.fromMillis(st - 40))
                                .setConfidence(confidence)
                                .setInstrument("CRYPTO:BTC-USD")
                                .setStrategy(INCIDENT_STRATEGY)
                                .setLane(SIGNAL_LANE))));
            }
            if (seq % 15 == 0) {
                for (String target : List.of("coinbase-fix", "kraken-rest", "nasdaq-ouch", "kalshi-api")) {
                    double latency = round(5 + 20 * rnd.nextDouble());
                    items.add(item(
                            ids,
                            "prober",
                            st + 200,
                            b -> b.setHealthProbe(HealthProbe.newBuilder()
                                    .setTarget(target)
                                    .setProbe("order-entry-rtt")
                                    .setLatencyMs(latency)
                                    .setOk(true))));
                }
            }
        }
        // Consumers commit every 10 s (lane-momo) and 30 s (shadow-momo) the newest signal they have read, one
        // second behind the stream; shadow-momo's clock bug once puts its cursor five minutes past the tail.
        long aheadAt = t0 + CURSOR_AHEAD_OFFSET.toMillis();
        for (long t = t0 + 10_000; t < end; t += 10_000) {
            var read = sent.floorEntry(t - 1_000);
            if (read == null) {
                continue;
            }
            long cursorSeq = read.getValue()[0];
            long cursorTime = read.getValue()[1];
            long at = t + 150;
            items.add(item(
                    ids,
                    SIGNAL_LANE,
                    at,
                    b -> b.setCursorCommit(CursorCommit.newBuilder()
                            .setConsumerId(SIGNAL_LANE)
                            .setSource(SIGNAL_SOURCE)
                            .setCursorTime(ProtoTime.fromMillis(cursorTime))
                            .setCursorSequence(cursorSeq)
                            .setLane(SIGNAL_LANE))));
            if ((t - t0) % 30_000 == 0) {
                boolean ahead = t == aheadAt;
                items.add(item(
                        ids,
                        "shadow-momo",
                        at + 50,
                        b -> b.setCursorCommit(CursorCommit.newBuilder()
                                .setConsumerId("shadow-momo")
                                .setSource(SIGNAL_SOURCE)
                                .setCursorTime(ProtoTime.fromMillis(ahead ? cursorTime + 300_000 : cursorTime))
                                .setCursorSequence(ahead ? cursorSeq + 150 : cursorSeq))));
            }
        }
        items.addAll(laneRuns(ids, t0, end));
        // Shorter sessions (tests) keep only the incidents that fit.
        if (SPREAD_CROSS_OFFSET.compareTo(length) < 0) {
            items.addAll(spreadCrossOrder(
                    ids,
                    t0 + SPREAD_CROSS_OFFSET.toMillis(),
                    midPath.get((int) SPREAD_CROSS_OFFSET.toSeconds())[indexOf("EQ:AAPL")]));
        }
        for (int burst = 0; burst < RUNAWAY_BURSTS; burst++) {
            long bt = t0 + RUNAWAY_OFFSET.toMillis() + burst * 120_000L;
            if (bt + RUNAWAY_ORDERS * 200L >= end) {
                break;
            }
            items.addAll(runaway(ids, bt, burst, midPath.get((int) ((bt - t0) / 1000))[indexOf("PM:FED-CUT-DEC")]));
        }

        for (int r = 2; r <= scale; r++) {
            items.addAll(replica(r, t0, end));
        }
        items.sort(Comparator.comparingLong(Item::eventTimeMillis)
                .thenComparing(i -> i.envelope().getEventId()));
        items.addAll(malformed(t0 + 10 * 60_000L));
        return items;
    }

    /**
     * Replica r of every instrument and strategy: registry entries, quotes every second and orders every ~30 s,
     * from a Random and an event-id sequence of its own, so that the original records do not change with the scale.
     */
    private List<Item> replica(int r, long t0, long end) {
        Random rnd = new Random(seed * 1_000_003L + r);
        Counter ids = new Counter("evt-" + seed + "-r" + r + "-");
        List<Item> items = new ArrayList<>();
        String suffix = "-R" + r;
        for (Instrument in : INSTRUMENTS) {
            for (String venue : in.venues()) {
                String id = in.id() + suffix;
                items.add(item(
                        ids,
                        "registry",
                        t0 - 60_000,
                        b -> b.setInstrument(InstrumentRegistryEntry.newBuilder()
                                .setInstrument(id)
                                .setVenue(venue)
                                .setVenueSymbol(venueSymbol(id, venue))
                                .setAssetClass(in.assetClass())
                                .setQuoteCurrency("USD")
                                .setTickSize(0.01)
                                .setLotSize(in.assetClass() == AssetClass.EQUITY ? 1 : 0.0001)
                                .setLifecycle(InstrumentLifecycle.ACTIVE)
                                .setMarketCalendar(in.calendar()))));
            }
        }
        double[] mids = INSTRUMENTS.stream().mapToDouble(Instrument::start).toArray();
        List<double[]> midPath = new ArrayList<>();
        for (long t = t0; t <= end; t += 1000) {
            for (int i = 0; i < INSTRUMENTS.size(); i++) {
                Instrument in = INSTRUMENTS.get(i);
                String id = in.id() + suffix;
                mids[i] = walk(in, mids[i], rnd);
                for (int v = 0; v < in.venues().length; v++) {
                    items.add(quote(ids, rnd, in, id, v, t + v * 7L + i, mids[i]));
                }
            }
            midPath.add(mids.clone());
        }
        int orderNo = 0;
        for (long t = t0 + 5_000; t < end - 5_000; t += 30_000) {
            int step = (int) ((t - t0) / 1000);
            for (int s = 0; s < STRATEGIES.size(); s++) {
                Strategy base = STRATEGIES.get(s);
                Strategy st = new Strategy(
                        base.org(),
                        base.name() + "-r" + r,
                        base.instrument() + suffix,
                        base.clip(),
                        base.adapter(),
                        base.lane());
                double mid = midPath.get(Math.min(step, midPath.size() - 1))[indexOf(base.instrument())];
                Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                orderNo++;
                items.addAll(order(ids, rnd, st, side, mid, t + s * 113L, orderNo, false, false));
            }
        }
        return items;
    }

    private List<Item> order(
            Counter ids,
            Random rnd,
            Strategy st,
            Side side,
            double mid,
            long t,
            int orderNo,
            boolean slowFills,
            boolean forcedFallback) {
        List<Item> out = new ArrayList<>();
        String orderId = st.name() + "-o" + orderNo;
        double qty = round4(st.clip() * (0.5 + rnd.nextDouble()));
        double decision = round(mid);
        boolean fallback = rnd.nextDouble() < 0.1 || forcedFallback;
        Order.Builder base = Order.newBuilder()
                .setOrderId(orderId)
                .setClientOrderId("c-" + orderId)
                .setOrg(st.org())
                .setStrategy(st.name())
                .setInstrument(st.instrument())
                .setVenue(venueOf(st.instrument()))
                .setSide(side)
                .setType(OrderType.LIMIT)
                .setQuantity(qty)
                .setLimitPrice(round(side == Side.BUY ? mid * 1.001 : mid * 0.999))
                .setDecisionPrice(decision)
                .setAgentId("agent-" + st.lane())
                .setPolicyVersion("pv-3")
                .setFeatureHash("fh-" + (orderNo % 17))
                .setConfidence(round4(0.5 + 0.4 * rnd.nextDouble()))
                .setExpectedAdapter(st.adapter())
                .setActualAdapter(fallback ? st.adapter() + "-backup" : st.adapter())
                .setFallbackReason(fallback ? "primary session down" : "")
                .setLane(st.lane())
                .setDecisionTime(ProtoTime.fromMillis(t));
        out.add(item(ids, st.lane(), t, b -> b.setOrder(base.clone().setState(OrderState.DECIDED))));
        long submit = t + 3 + rnd.nextInt(10);
        long ack = submit + 5 + rnd.nextInt(40);
        out.add(item(
                ids,
                st.adapter(),
                submit,
                b -> b.setOrder(base.clone()
                        .setState(OrderState.SUBMITTED)
                        .setPreviousState(OrderState.DECIDED)
                        .setSubmitTime(ProtoTime.fromMillis(submit)))));
        if (rnd.nextDouble() < 0.05) {
            out.add(item(
                    ids,
                    st.adapter(),
                    ack,
                    b -> b.setOrder(base.clone()
                            .setState(OrderState.REJECTED)
                            .setPreviousState(OrderState.SUBMITTED)
                            .setRejectReason("price outside collar")
                            .setErrorCategory(ErrorCategory.VENUE_REJECT)
                            .setSubmitTime(ProtoTime.fromMillis(submit))
                            .setAckTime(ProtoTime.fromMillis(ack)))));
            return out;
        }
        out.add(item(
                ids,
                st.adapter(),
                ack,
                b -> b.setOrder(base.clone()
                        .setState(OrderState.ACKNOWLEDGED)
                        .setPreviousState(OrderState.SUBMITTED)
                        .setSubmitTime(ProtoTime.fromMillis(submit))
                        .setAckTime(ProtoTime.fromMillis(ack)))));
        int parts = 1 + rnd.nextInt(2);
        double left = qty;
        long ft = ack;
        for (int p = 1; p <= parts; p++) {
            double q = p == parts ? left : round4(qty / parts);
            left = round4(left - q);
            ft += slowFills ? 2_000 + rnd.nextInt(1_000) : 20 + rnd.nextInt(200);
            double slip = mid * 0.0002 * rnd.nextDouble();
            double px = round(side == Side.BUY ? mid + slip : mid - slip);
            boolean maker = rnd.nextBoolean();
            double fee = round(q * px * (maker ? -0.0001 : 0.0004));
            long fillTime = ft;
            String fillId = orderId + "-f" + p;
            out.add(item(
                    ids,
                    st.adapter(),
                    fillTime,
                    b -> b.setFill(Fill.newBuilder()
                            .setFillId(fillId)
                            .setOrderId(orderId)
                            .setOrg(st.org())
                            .setStrategy(st.name())
                            .setInstrument(st.instrument())
                            .setVenue(venueOf(st.instrument()))
                            .setSide(side)
                            .setQuantity(q)
                            .setPrice(px)
                            .setFee(fee)
                            .setFeeCurrency("USD")
                            .setLiquidity(maker ? Liquidity.MAKER : Liquidity.TAKER)
                            .setAdapter(st.adapter())
                            .setExecTime(ProtoTime.fromMillis(fillTime)))));
            OrderState state = p == parts ? OrderState.FILLED : OrderState.PARTIALLY_FILLED;
            double filled = round4(qty - left);
            out.add(item(
                    ids,
                    st.adapter(),
                    fillTime + 1,
                    b -> b.setOrder(base.clone()
                            .setState(state)
                            .setPreviousState(OrderState.ACKNOWLEDGED)
                            .setFilledQuantity(filled)
                            .setSubmitTime(ProtoTime.fromMillis(submit))
                            .setAckTime(ProtoTime.fromMillis(ack)))));
        }
        return out;
    }

    /**
     * Records a buggy producer may send; each must land in the dead letters with its reason, and the plane must
     * keep going. Built as envelopes where the wire format can carry the fault, raw text where it cannot.
     */
    private static List<Item> malformed(long t) {
        List<Item> out = new ArrayList<>();
        Fill.Builder fill = Fill.newBuilder()
                .setOrderId("o-bad")
                .setOrg("acme")
                .setStrategy(INCIDENT_STRATEGY)
                .setInstrument("CRYPTO:BTC-USD")
                .setVenue("coinbase")
                .setSide(Side.BUY)
                .setPrice(96_000)
                .setFeeCurrency("USD");
        out.add(bad(
                "bad-nan-quantity",
                t,
                b -> b.setFill(fill.clone().setFillId("x1").setQuantity(Double.NaN))));
        out.add(bad(
                "bad-negative-quantity",
                t,
                b -> b.setFill(fill.clone().setFillId("x2").setQuantity(-3))));
        out.add(bad(
                "bad-missing-strategy",
                t,
                b -> b.setOrder(Order.newBuilder()
                        .setOrderId("o-m")
                        .setOrg("acme")
                        .setInstrument("EQ:AAPL")
                        .setSide(Side.BUY)
                        .setState(OrderState.SUBMITTED)
                        .setQuantity(1))));
        out.add(bad(
                "bad-unknown-side",
                t,
                b -> b.setOrder(Order.newBuilder()
                        .setOrderId("o-e")
                        .setOrg("acme")
                        .setStrategy("pairs-aapl")
                        .setInstrument("EQ:AAPL")
                        .setSideValue(7)
                        .setState(OrderState.SUBMITTED)
                        .setQuantity(1))));
        out.add(bad(
                "bad-future",
                Instant.parse("2099-01-01T00:00:00Z").toEpochMilli(),
                b -> b.setSignal(Signal.newBuilder()
                        .setSource("alpha-feed")
                        .setSequence(1)
                        .setConfidence(0.5))));
        out.add(bad(
                "bad-crossed-quote",
                t,
                b -> b.setQuote(Quote.newBuilder()
                        .setVenue("kraken")
                        .setInstrument("CRYPTO:ETH-USD")
                        .setBid(3_500)
                        .setAsk(3_400))));
        String garbage = "this is not an envelope";
        out.add(new Item(Topics.QUOTES, t, garbage.getBytes(StandardCharsets.UTF_8), garbage, null));
        return out;
    }

    private static Item bad(String eventId, long t, Payload payload) {
        Envelope.Builder b = Envelope.newBuilder()
                .setEventId(eventId)
                .setSource("buggy-producer")
                .setEventTime(ProtoTime.fromMillis(t));
        payload.set(b);
        Envelope e = b.build();
        return new Item(Topics.forPayload(e.getPayloadCase()), t, e.toByteArray(), null, e);
    }

    private interface Payload {
        void set(Envelope.Builder b);
    }

    private static final class Counter {
        final String prefix;
        long next;

        Counter(String prefix) {
            this.prefix = prefix;
        }
    }

    /** One step of a mid's random walk; prediction markets stay within 0.02..0.98. */
    private static double walk(Instrument in, double mid, Random rnd) {
        double next = Math.max(in.start() * 0.05, mid * (1 + in.vol() * rnd.nextGaussian()));
        return in.assetClass() == AssetClass.PREDICTION_MARKET ? Math.min(0.98, Math.max(0.02, next)) : next;
    }

    /** Venue {@code v}'s quote of instrument {@code id} at {@code qt}: a spread around the mid, random sizes. */
    private Item quote(Counter ids, Random rnd, Instrument in, String id, int v, long qt, double instrumentMid) {
        String venue = in.venues()[v];
        double mid = instrumentMid * (1 + (v == 0 ? 0.00005 : -0.00005));
        double half = mid * (in.assetClass() == AssetClass.PREDICTION_MARKET ? 0.005 : 0.00005);
        double bid = round(mid - half);
        double ask = Math.max(bid, round(mid + half));
        return item(
                ids,
                venue + "-md",
                qt,
                b -> b.setQuote(Quote.newBuilder()
                        .setVenue(venue)
                        .setInstrument(id)
                        .setVenueSymbol(venueSymbol(id, venue))
                        .setBid(bid)
                        .setAsk(ask)
                        .setBidSize(round(1 + rnd.nextInt(20)))
                        .setAskSize(round(1 + rnd.nextInt(20)))
                        .setExchangeTime(ProtoTime.fromMillis(qt - 3))
                        .setReceiveTime(ProtoTime.fromMillis(qt + 2))));
    }

    private Item item(Counter ids, String source, long t, Payload payload) {
        Envelope.Builder b = Envelope.newBuilder().setSource(source).setEventTime(ProtoTime.fromMillis(t));
        payload.set(b);
        b.setEventId(ids.prefix + String.format("%07d", ++ids.next));
        Envelope e = b.build();
        return new Item(Topics.forPayload(e.getPayloadCase()), t, e.toByteArray(), null, e);
    }

    private Item policy(
            Counter ids,
            long t,
            String id,
            long version,
            String org,
            String strategy,
            double maxDd,
            double maxFraction,
            double maxDaily,
            Map<String, Double> thresholds) {
        return item(
                ids,
                "risk-desk",
                t,
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId(id)
                        .putAllThresholds(thresholds)
                        .setVersion(version)
                        .setScope(Scope.newBuilder().setOrg(org).setStrategy(strategy))
                        .setCurrency("USD")
                        .setMaxDrawdown(maxDd)
                        .setMaxDrawdownFraction(maxFraction)
                        .setMaxDailyLoss(maxDaily)
                        .setCapitalBase(org.equals("acme") ? 1_000_000 : 100_000)));
    }

    private static final Map<String, Double> ACME_GUARDRAILS = Map.of(
            "max_spread_cross_bps",
            50.0,
            "max_adverse_selection_bps",
            200.0,
            "max_orders_strategy",
            40.0,
            "order_rate_window_s",
            10.0);

    private Item policy(
            Counter ids,
            long t,
            String id,
            long version,
            String org,
            String strategy,
            double maxDd,
            double maxFraction,
            double maxDaily) {
        return policy(ids, t, id, version, org, strategy, maxDd, maxFraction, maxDaily, Map.of());
    }

    /** lane-pm: pm-v6 succeeds every 5 minutes; from NEW_LANE_VERSION_AT pm-v7 runs every 2 minutes and fails. */
    private List<Item> laneRuns(Counter ids, long t0, long end) {
        List<Item> out = new ArrayList<>();
        long switchAt = t0 + NEW_LANE_VERSION_AT.toMillis();
        int runNo = 0;
        int v7Failures = 0;
        for (long t = t0 + 300_300; t < end; ) {
            runNo++;
            boolean v7 = t >= switchAt && v7Failures < 3;
            String run = "run-" + runNo;
            String version = v7 ? "pm-v7" : "pm-v6";
            boolean ok = !v7;
            if (v7) {
                v7Failures++;
            }
            out.add(item(
                    ids,
                    "lane-runner",
                    t,
                    b -> b.setLaneRun(LaneRun.newBuilder()
                            .setLane(ROLLBACK_LANE)
                            .setRunId(run)
                            .setOutcome(ok ? LaneOutcome.SUCCEEDED : LaneOutcome.FAILED)
                            .addGates(GateResult.newBuilder()
                                    .setGate("backtest-sharpe")
                                    .setPassed(ok)
                                    .setDetail(ok ? "" : "sharpe 0.4 < 1.0"))
                            .addGates(GateResult.newBuilder()
                                    .setGate("max-position")
                                    .setPassed(true))
                            .setPolicyVersion(version)
                            .setOrg("globex")
                            .setStrategy("pm-arb"))));
            long next = t + 300_000;
            if (t + 120_000 >= switchAt && v7Failures < 3) {
                next = Math.max(switchAt + 300, t + 120_000);
                if (t < switchAt) {
                    next = switchAt + 300;
                }
            }
            t = next;
        }
        return out;
    }

    /** A limit buy 2% through its decision price, cancelled unfilled: the spread-cross guardrail trips. */
    private List<Item> spreadCrossOrder(Counter ids, long t, double mid) {
        Strategy st = STRATEGIES.get(2);
        double decision = round(mid);
        Order.Builder base = Order.newBuilder()
                .setOrderId("pairs-aapl-fat-finger")
                .setOrg(st.org())
                .setStrategy(st.name())
                .setInstrument(st.instrument())
                .setVenue(venueOf(st.instrument()))
                .setSide(Side.BUY)
                .setType(OrderType.LIMIT)
                .setQuantity(2_000)
                .setLimitPrice(round(decision * 1.02))
                .setDecisionPrice(decision)
                .setConfidence(0.55)
                .setExpectedAdapter(st.adapter())
                .setActualAdapter(st.adapter())
                .setLane(st.lane())
                .setDecisionTime(ProtoTime.fromMillis(t));
        return cancelledOrder(ids, st, base, t);
    }

    /** One runaway burst of globex/pm-arb: RUNAWAY_ORDERS small limit orders in 5 s, each cancelled unfilled. */
    private List<Item> runaway(Counter ids, long t, int burst, double mid) {
        Strategy st = STRATEGIES.get(3);
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < RUNAWAY_ORDERS; i++) {
            long ot = t + i * 200L;
            double decision = round(mid);
            Order.Builder base = Order.newBuilder()
                    .setOrderId("pm-arb-runaway-" + burst + "-" + i)
                    .setOrg(st.org())
                    .setStrategy(st.name())
                    .setInstrument(st.instrument())
                    .setVenue(venueOf(st.instrument()))
                    .setSide(i % 2 == 0 ? Side.BUY : Side.SELL)
                    .setType(OrderType.LIMIT)
                    .setQuantity(10)
                    .setLimitPrice(decision)
                    .setDecisionPrice(decision)
                    .setConfidence(0.51)
                    .setExpectedAdapter(st.adapter())
                    .setActualAdapter(st.adapter())
                    .setLane(st.lane())
                    .setDecisionTime(ProtoTime.fromMillis(ot));
            out.addAll(cancelledOrder(ids, st, base, ot));
        }
        return out;
    }

    /** The latest event time of the session's valid records (the malformed ones, one stamped in 2099, left out). */
    public static long lastEventTime(List<Item> session) {
        return session.stream()
                .filter(i -> i.envelope() != null && !i.envelope().getEventId().startsWith("bad-"))
                .mapToLong(Item::eventTimeMillis)
                .max()
                .orElseThrow();
    }

    /**
     * The demo's second act (cli.DemoSecondAct): after on-call resumed it, globex/pm-arb runs away once more from
     * {@code t}: RUNAWAY_ORDERS orders in 5 s as in the session's bursts (order ids {@code pm-arb-runaway-3-<n>}),
     * on the orders topic only, event ids {@code evt-<seed>-act2-burst-<n>}.
     */
    public List<Item> runawayAgain(List<Item> session, long t) {
        Counter ids = new Counter("evt-" + seed + "-act2-burst-");
        List<Item> out =
                new ArrayList<>(runaway(ids, t, RUNAWAY_BURSTS, latestMids(session)[indexOf("PM:FED-CUT-DEC")]));
        out.sort(Comparator.comparingLong(Item::eventTimeMillis)
                .thenComparing(i -> i.envelope().getEventId()));
        return out;
    }

    /** How many BTC marks of the second act's whipsaw alternate across the drawdown limit, one a second. */
    public static final int WHIPSAW_MARKS = 8;
    /** How far (USD of drawdown) either side of acme/momentum-btc's max_drawdown each whipsaw mark lands. */
    public static final double WHIPSAW_SWING = 2_500;
    /** Seconds of quotes after the whipsaw, BTC unchanged, so that the plane's event time moves past its last mark. */
    public static final int WHIPSAW_HOLD_SECONDS = 2;

    /**
     * The demo's second act, after {@link #runawayAgain}: the market goes on from {@code from}, every instrument
     * quoted on both venues every second (as in the session, so no quote goes stale), for WHIPSAW_MARKS +
     * WHIPSAW_HOLD_SECONDS seconds, on the quotes topic only. BTC whipsaws: each of the first WHIPSAW_MARKS seconds
     * its mid is where acme/momentum-btc's drawdown (StrategyEquity, from the session's fills and marks) is
     * WHIPSAW_SWING beyond INCIDENT_MAX_DRAWDOWN, on the other side of it from the second before, so every one of
     * those marks crosses the limit; then it holds. The strategy is halted by then and must stay so, with one page.
     * Event ids {@code evt-<seed>-act2-quote-<n>}.
     */
    public List<Item> drawdownWhipsaw(List<Item> session, long from) {
        StrategyEquity book = StrategyEquity.after(session, INCIDENT_ORG, INCIDENT_STRATEGY, "CRYPTO:BTC-USD");
        Counter ids = new Counter("evt-" + seed + "-act2-quote-");
        Random rnd = new Random(seed * 1_000_003L - 2);
        double[] mids = latestMids(session);
        int btc = indexOf("CRYPTO:BTC-USD");
        boolean above = book.drawdown() >= INCIDENT_MAX_DRAWDOWN;
        List<Item> out = new ArrayList<>();
        for (int s = 0; s < WHIPSAW_MARKS + WHIPSAW_HOLD_SECONDS; s++) {
            long t = from + s * 1000L;
            for (int i = 0; i < INSTRUMENTS.size(); i++) {
                Instrument in = INSTRUMENTS.get(i);
                if (i == btc) {
                    if (s < WHIPSAW_MARKS) {
                        above = !above;
                        mids[i] = book.markAt(INCIDENT_MAX_DRAWDOWN + (above ? WHIPSAW_SWING : -WHIPSAW_SWING));
                        if (!(mids[i] > in.start() * 0.5 && mids[i] < in.start() * 1.5)) {
                            throw new IllegalStateException("no plausible BTC mark for the whipsaw: " + mids[i]
                                    + " (position " + book.position() + ")");
                        }
                    }
                } else {
                    mids[i] = walk(in, mids[i], rnd);
                }
                for (int v = 0; v < in.venues().length; v++) {
                    Item q = quote(ids, rnd, in, in.id(), v, t + v * 7L + i, mids[i]);
                    out.add(q);
                    book.apply(q.envelope());
                }
            }
        }
        out.sort(Comparator.comparingLong(Item::eventTimeMillis)
                .thenComparing(i -> i.envelope().getEventId()));
        return out;
    }

    /** Each instrument's mid in its latest quote of the session (any venue). */
    private static double[] latestMids(List<Item> session) {
        double[] mids = INSTRUMENTS.stream().mapToDouble(Instrument::start).toArray();
        long[] at = new long[mids.length];
        java.util.Arrays.fill(at, Long.MIN_VALUE);
        for (Item i : session) {
            if (i.envelope() != null
                    && i.envelope().hasQuote()
                    && !i.envelope().getEventId().startsWith("bad-")) {
                Quote q = i.envelope().getQuote();
                int k = 0;
                while (k < mids.length && !INSTRUMENTS.get(k).id().equals(q.getInstrument())) {
                    k++;
                }
                if (k < mids.length && i.eventTimeMillis() >= at[k]) {
                    at[k] = i.eventTimeMillis();
                    mids[k] = (q.getBid() + q.getAsk()) / 2;
                }
            }
        }
        return mids;
    }

    private List<Item> cancelledOrder(Counter ids, Strategy st, Order.Builder base, long t) {
        long submit = t + 5;
        long ack = submit + 20;
        long cancel = ack + 150;
        return List.of(
                item(ids, st.lane(), t, b -> b.setOrder(base.clone().setState(OrderState.DECIDED))),
                item(
                        ids,
                        st.adapter(),
                        submit,
                        b -> b.setOrder(base.clone()
                                .setState(OrderState.SUBMITTED)
                                .setPreviousState(OrderState.DECIDED)
                                .setSubmitTime(ProtoTime.fromMillis(submit)))),
                item(
                        ids,
                        st.adapter(),
                        ack,
                        b -> b.setOrder(base.clone()
                                .setState(OrderState.ACKNOWLEDGED)
                                .setPreviousState(OrderState.SUBMITTED)
                                .setSubmitTime(ProtoTime.fromMillis(submit))
                                .setAckTime(ProtoTime.fromMillis(ack)))),
                item(
                        ids,
                        st.adapter(),
                        cancel,
                        b -> b.setOrder(base.clone()
                                .setState(OrderState.CANCELED)
                                .setPreviousState(OrderState.ACKNOWLEDGED)
                                .setSubmitTime(ProtoTime.fromMillis(submit))
                                .setAckTime(ProtoTime.fromMillis(ack)))));
    }

    private static int indexOf(String instrument) {
        for (int i = 0; i < INSTRUMENTS.size(); i++) {
            if (INSTRUMENTS.get(i).id().equals(instrument)) {
                return i;
            }
        }
        throw new IllegalArgumentException(instrument);
    }

    private static String venueOf(String instrument) {
        // A replica trades on the venues of the instrument it copies.
        return INSTRUMENTS.get(indexOf(instrument.replaceFirst("-R\\d+$", ""))).venues()[0];
    }

    private static String venueSymbol(String instrument, String venue) {
        String sym = instrument.substring(instrument.indexOf(':') + 1);
        return venue.equals("kraken") ? sym.replace("BTC", "XBT").replace("-", "/") : sym;
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }
}
