package io.riskplane.sinks.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.riskplane.contract.Topics;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Posts the plane's alerts (topic riskplane.v1.alerts, read_committed) to Alertmanager's v2 API. Runs beside the
 * Flink job, not in it, so an unreachable Alertmanager never slows the control path. Nothing is lost: a batch's
 * offsets are committed only after Alertmanager accepted it, and a failed post is retried with exponential backoff
 * until it succeeds (the alerts also stay in Kafka and ClickHouse). A repeat after a crash is harmless: Alertmanager
 * de-duplicates alerts by their labels, which include the control id.
 */
public final class AlertmanagerForwarder implements AutoCloseable {
    public static final String ALERT_NAME = "RiskplaneControlEvent";
    public static final String DEFAULT_GROUP_ID = "riskplane-alerts-forwarder";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI postUri;
    private final HttpClient http;
    private final Consumer<String> log;
    private final AtomicLong posted = new AtomicLong();
    private final Relay relay;

    public AlertmanagerForwarder(String bootstrap, Properties client, String groupId, String alertmanagerUrl,
            Duration initialBackoff, Duration maxBackoff, Consumer<String> log) {
        this.relay = new Relay(Relay.consumerProperties(bootstrap, client, groupId), initialBackoff, maxBackoff,
                log);
        this.postUri = URI.create(alertmanagerUrl.replaceAll("/+$", "") + "/api/v2/alerts");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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

    /** Forwards until {@link #stop()}; call on a thread of its own. */
    public void run() {
        relay.run(Topics.ALERTS, Duration.ofMillis(500), this::forward);
    }

    /** Posts the batch's alerts; true once Alertmanager accepted them (or the batch held none). */
    private boolean forward(ConsumerRecords<byte[], byte[]> records) {
        List<Envelope> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                Envelope e = Envelope.parseFrom(r.value());
                if (e.hasAlert()) {
                    alerts.add(e);
                } else {
                    log.accept("alerts forwarder: record " + r.partition() + "/" + r.offset()
                            + " carries no alert; skipped");
                }
            } catch (IOException ex) {
                log.accept("alerts forwarder: undecodable record " + r.partition() + "/" + r.offset()
                        + "; skipped (" + ex.getMessage() + ")");
            }
        }
        if (!alerts.isEmpty() && !postUntilAccepted(body(alerts))) {
            return false;
        }
        posted.addAndGet(alerts.size());
        return true;
    }

    public void stop() {
        relay.stop();
    }

    @Override
    public void close() {
        stop();
    }

    private boolean postUntilAccepted(String body) {
        return relay.untilAccepted("alerts forwarder: posting to " + postUri, () -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(postUri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
            }
        });
    }

    /**
     * The v2 API body: labels identify the alert (Alertmanager groups, routes and de-duplicates on them),
     * annotations explain it. startsAt is the decision's event time. No endsAt: Alertmanager resolves it after its
     * resolve_timeout.
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
            o.put("startsAt", Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos())
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
