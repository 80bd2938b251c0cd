package io.riskplane.sinks.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.riskplane.contract.OutputBounds;
import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.sinks.kafka.Relay;
import io.riskplane.v1.Alert;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Posts the plane's alerts (topic riskplane.v1.alerts, read_committed) to Alertmanager's v2 API. Runs beside the
 * Flink job, not in it, so an unreachable Alertmanager never slows the control path. Nothing is lost: a batch's
 * offsets are committed only after Alertmanager accepted it, and a failed post is retried with exponential backoff
 * until it succeeds (the alerts also stay in Kafka and ClickHouse). A repeat after a crash is harmless: Alertmanager
 * de-duplicates alerts by their labels, which include the control id.
 *
 * <p>An alert Alertmanager refuses as data (HTTP 4xx, e.g. 400 for an invalid label name) would otherwise be
 * retried forever and hold every page behind it. When a batch is refused so, the forwarder posts its alerts one by
 * one, and publishes each alert refused again to the dead-letter topic with reason
 * {@value io.riskplane.model.DeadLetterReason#ALERT_REJECTED} and Alertmanager's message, before it commits the
 * batch. Answers that say nothing about the alert are retried like an outage: 5xx, no answer, 408 and 429 (try
 * later), and 401, 403, 404, 405 and 407 (credentials or URL: every alert would be refused alike).
 */
public final class AlertmanagerForwarder implements AutoCloseable {
    public static final String ALERT_NAME = "RiskplaneControlEvent";
    /** How long after it began a halt still in force is posted to end: until its RESUME, in practice. */
    public static final Duration OPEN_HALT_HORIZON = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 4xx answers about the request, not the alerts in it: retried, never dead-lettered. */
    private static final Set<Integer> RETRIED_CLIENT_ERRORS = Set.of(401, 403, 404, 405, 407, 408, 429);

    private final URI postUri;
    private final HttpClient http;
    private final Consumer<String> log;
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Relay relay;
    private final KafkaProducer<byte[], byte[]> deadLetters;

    /** Alertmanager's answer to a post it refused as data: the same alerts would be refused again. */
    private record Refusal(int status, String message) {}

    public AlertmanagerForwarder(
            String bootstrap,
            Properties client,
            String groupId,
            String alertmanagerUrl,
            Duration initialBackoff,
            Duration maxBackoff,
            Consumer<String> log) {
        this.relay = new Relay(Relay.consumerProperties(bootstrap, client, groupId), initialBackoff, maxBackoff, log);
        this.postUri = URI.create(alertmanagerUrl.replaceAll("/+$", "") + "/api/v2/alerts");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.deadLetters = Relay.deadLetterProducer(bootstrap, client);
        this.log = log;
    }

    /** Alerts Alertmanager has accepted. */
    public long posted() {
        return posted.get();
    }

    /** Posts that failed and were retried. */
    public long failedAttempts() {
        return relay.failedAttempts();
    }

    /** Alerts Alertmanager refused as data, published as dead letters. */
    public long rejected() {
        return rejected.get();
    }

    /** Forwards until {@link #stop()}; call on a thread of its own. */
    public void run() {
        try {
            relay.run(Topics.ALERTS, Duration.ofMillis(500), this::forward);
        } finally {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Posts the batch's alerts; true once Alertmanager accepted them, refused ones dead-lettered (or the batch held
     * none).
     */
    private boolean forward(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>();
        List<Envelope> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                Envelope e = Envelope.parseFrom(r.value());
                if (e.hasAlert()) {
                    sources.add(r);
                    alerts.add(e);
                } else {
                    log.accept("alerts forwarder: record " + r.partition() + "/" + r.offset()
                            + " carries no alert; skipped");
                }
            } catch (IOException ex) {
                log.accept("alerts forwarder: undecodable record " + r.partition() + "/" + r.offset() + "; skipped ("
                        + ex.getMessage() + ")");
            }
        }
        return alerts.isEmpty() || deliver(sources, alerts);
    }

    /**
     * Posts alerts, retrying while Alertmanager is unreachable; when it refuses them as data, posts them one by one
     * and dead-letters each one refused. False when the forwarder was stopped first.
     */
    private boolean deliver(List<ConsumerRecord<byte[], byte[]>> sources, List<Envelope> alerts) {
        Refusal[] refused = new Refusal[1];
        if (!postUntilAnswered(body(alerts), refused)) {
            return false;
        }
        if (refused[0] == null) {
            posted.addAndGet(alerts.size());
            return true;
        }
        if (alerts.size() == 1) {
            return deadLetter(sources.get(0), alerts.get(0), refused[0]);
        }
        log.accept("alerts forwarder: Alertmanager refused a batch of " + alerts.size() + " alerts (HTTP "
                + refused[0].status() + "); posting them one by one");
        for (int i = 0; i < alerts.size(); i++) {
            if (!deliver(sources.subList(i, i + 1), alerts.subList(i, i + 1))) {
                return false;
            }
        }
        return true;
    }

    private boolean deadLetter(ConsumerRecord<byte[], byte[]> source, Envelope alert, Refusal why) {
        DeadLetterRecord d = Relay.refused(
                source,
                DeadLetterReason.ALERT_REJECTED,
                "Alertmanager refused alert " + alert.getAlert().getAlertId() + " (HTTP " + why.status() + "): "
                        + why.message(),
                alert.getEventId());
        log.accept("alerts forwarder: alert " + source.partition() + "/" + source.offset() + " refused (HTTP "
                + why.status() + ": " + why.message() + "); published as a dead letter");
        boolean published = relay.publishUntilAccepted(
                deadLetters,
                d,
                "alerts forwarder: dead letter for alert " + source.partition() + "/" + source.offset());
        if (published) {
            rejected.incrementAndGet();
        }
        return published;
    }

    public void stop() {
        relay.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Posts until Alertmanager accepts the body (refused[0] null) or refuses it as data (refused[0] its answer);
     * false when the forwarder was stopped first.
     */
    private boolean postUntilAnswered(String body, Refusal[] refused) {
        return relay.untilAccepted("alerts forwarder: posting to " + postUri, () -> {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(postUri)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                refused[0] = null;
            } else if (refusedAsData(r.statusCode())) {
                // Bounded: the message goes into a log line and a dead letter's detail.
                refused[0] =
                        new Refusal(r.statusCode(), OutputBounds.cut(r.body().strip(), 2000));
            } else {
                throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
            }
        });
    }

    /** A 4xx about the alerts themselves (e.g. 400, an invalid label name), which a retry would not change. */
    static boolean refusedAsData(int status) {
        return status / 100 == 4 && !RETRIED_CLIENT_ERRORS.contains(status);
    }

    /**
     * The v2 API body: labels identify the alert (Alertmanager groups, routes and de-duplicates on them),
     * annotations explain it. startsAt is the decision's event time. endsAt is the alert's end when it has one (a
     * cooldown's end, or the RESUME that lifted the halt: the same labels with an end in the past resolve the alert);
     * a halt in force has none, and is posted with an end {@link #OPEN_HALT_HORIZON} after it began, so that
     * Alertmanager keeps it firing (rather than resolving it after its resolve_timeout) until the RESUME.
     */
    public static String body(List<Envelope> alerts) {
        ArrayNode array = JSON.createArrayNode();
        for (Envelope e : alerts) {
            Alert a = e.getAlert();
            ObjectNode o = array.addObject();
            ObjectNode labels = o.putObject("labels");
            labels.put("alertname", ALERT_NAME);
            labels.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
            labels.put("rule_id", a.getRuleId());
            labels.put("control_id", a.getControlId());
            Scope s = a.getScope();
            putIfSet(labels, "org", s.getOrg());
            putIfSet(labels, "strategy", s.getStrategy());
            putIfSet(labels, "instrument", s.getInstrument());
            putIfSet(labels, "venue", s.getVenue());
            putIfSet(labels, "adapter", s.getAdapter());
            putIfSet(labels, "lane", s.getLane());
            new java.util.TreeMap<>(a.getLabelsMap()).forEach((k, v) -> putIfSet(labels, k, v));
            ObjectNode annotations = o.putObject("annotations");
            annotations.put("summary", a.getSummary());
            annotations.put("runbook_url", a.getRunbookUrl());
            annotations.put("alert_id", a.getAlertId());
            Instant startsAt = Instant.ofEpochSecond(
                    e.getEventTime().getSeconds(), e.getEventTime().getNanos());
            if (!a.getResolvedByControlId().isEmpty()) {
                annotations.put("resolved_by", a.getResolvedByControlId());
            }
            o.put("startsAt", startsAt.toString());
            o.put(
                    "endsAt",
                    (a.hasEndsAt()
                                    ? Instant.ofEpochSecond(
                                            a.getEndsAt().getSeconds(),
                                            a.getEndsAt().getNanos())
                                    : startsAt.plus(OPEN_HALT_HORIZON))
                            .toString());
        }
        return array.toString();
    }

    private static void putIfSet(ObjectNode o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }
}
