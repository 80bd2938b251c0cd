package io.riskplane.alerting;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EmbeddedKafka;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.sinks.alerting.AlertmanagerForwarder;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.DeadLetter;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts reach on-call through a real Alertmanager (Debian's prometheus-alertmanager) running the repository's
 * routing configuration, delivered to a webhook receiver in this test. Alertmanager is down when the first alerts
 * are published: the forwarder retries, and once Alertmanager is up every alert arrives, none lost.
 */
class AlertRoutingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AlertSettings SETTINGS = new AlertSettings(
            "https://runbooks.example/runbooks.md", "trading-oncall", Map.of("globex", "globex-oncall"));

    @TempDir
    Path dir;

    final List<AutoCloseable> started = new ArrayList<>();
    Process alertmanager;

    @AfterEach
    void stop() throws Exception {
        if (alertmanager != null) {
            alertmanager.destroy();
            alertmanager.waitFor();
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void everyAlertReachesTheWebhookThroughAlertmanagerEvenWhenItStartsLate() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        started.add(kafka);
        kafka.createTopics(List.of(Topics.ALERTS), 1);

        Map<String, JsonNode> delivered = new ConcurrentHashMap<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            for (JsonNode alert : body.path("alerts")) {
                delivered.put(alert.path("labels").path("control_id").asText(), alert);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        started.add(() -> webhook.stop(0));

        int amPort = EmbeddedKafka.freePort();
        AlertmanagerForwarder forwarder = new AlertmanagerForwarder(
                kafka.bootstrapServers(),
                new Properties(),
                "alerts-it",
                "http://127.0.0.1:" + amPort,
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                line -> System.out.println("[alerts-it] " + line));
        Thread t = new Thread(forwarder::run, "forwarder");
        t.start();
        started.add(() -> {
            forwarder.stop();
            t.join(10_000);
        });

        List<ControlEvent> controls = List.of(
                control(
                        "ctl-1",
                        ControlKind.KILL_SWITCH,
                        ControlAction.HALT_NEW_ENTRIES,
                        "pnl.drawdown.kill-switch",
                        Scope.newBuilder()
                                .setOrg("acme")
                                .setStrategy("momentum-btc")
                                .build()),
                control(
                        "ctl-2",
                        ControlKind.COOLDOWN,
                        ControlAction.HALT_NEW_ENTRIES,
                        "guardrail.trip.cooldown",
                        Scope.newBuilder()
                                .setOrg("globex")
                                .setStrategy("pm-arb")
                                .build()),
                control(
                        "ctl-3",
                        ControlKind.ROLLBACK,
                        ControlAction.DISABLE_ROUTE,
                        "route.fallback.rollback",
                        Scope.newBuilder().setAdapter("kraken-rest").build()),
                control(
                        "ctl-4",
                        ControlKind.RESUME,
                        ControlAction.RESUME_TRADING,
                        "slo.recovery.resume",
                        Scope.newBuilder()
                                .setVenue("kraken")
                                .setInstrument("CRYPTO:ETH-USD")
                                .build()));

        // Alertmanager is not up yet: the first two alerts must wait in Kafka while the forwarder retries.
        publish(kafka, controls.subList(0, 2));
        awaitTrue("the forwarder retrying an unreachable Alertmanager", () -> forwarder.failedAttempts() >= 3);
        assertThat(forwarder.posted()).isZero();

        alertmanager = startAlertmanager(amPort, webhook.getAddress().getPort());
        publish(kafka, controls.subList(2, 4));
        awaitTrue("every alert at the webhook", () -> delivered.size() == controls.size());
        // Alertmanager may deliver before the forwarder has read its answer and counted the batch.
        awaitTrue("every alert counted as posted", () -> forwarder.posted() == controls.size());

        for (ControlEvent c : controls) {
            JsonNode a = delivered.get(c.getControlId());
            JsonNode labels = a.path("labels");
            assertThat(labels.path("alertname").asText()).isEqualTo("RiskplaneControlEvent");
            assertThat(labels.path("rule_id").asText()).isEqualTo(c.getRuleId());
            assertThat(labels.path("kind").asText()).isEqualTo(c.getKind().name());
            assertThat(labels.path("severity").asText())
                    .isEqualTo(
                            switch (c.getKind()) {
                                case KILL_SWITCH, ROLLBACK -> "page";
                                case COOLDOWN -> "warning";
                                default -> "info";
                            });
            assertThat(labels.path("team").asText())
                    .isEqualTo(c.getScope().getOrg().equals("globex") ? "globex-oncall" : "trading-oncall");
            assertThat(a.path("annotations").path("summary").asText()).isEqualTo("summary of " + c.getControlId());
            assertThat(a.path("annotations").path("runbook_url").asText())
                    .isEqualTo("https://runbooks.example/runbooks.md#" + c.getRuleId());
            assertThat(a.path("startsAt").asText()).startsWith("2026-11-20T14:3");
        }
        assertThat(delivered.get("ctl-1").path("labels").path("org").asText()).isEqualTo("acme");
        assertThat(delivered.get("ctl-3").path("labels").path("adapter").asText())
                .isEqualTo("kraken-rest");

        // The routing tree sent each alert to the receivers its severity and team call for.
        Map<String, List<String>> receivers = receiversByControl(amPort);
        assertThat(receivers.keySet()).containsExactlyInAnyOrder("ctl-1", "ctl-2", "ctl-3", "ctl-4");
        // Everything reaches the audit webhook; pages go to the pager, warnings to chat, info nowhere else.
        assertThat(receivers.get("ctl-1")).containsExactlyInAnyOrder("riskplane-webhook", "trading-pager");
        assertThat(receivers.get("ctl-3")).containsExactlyInAnyOrder("riskplane-webhook", "trading-pager");
        assertThat(receivers.get("ctl-2")).containsExactlyInAnyOrder("riskplane-webhook", "trading-slack");
        assertThat(receivers.get("ctl-4")).containsExactlyInAnyOrder("riskplane-webhook", "riskplane-audit-only");
    }

    /**
     * An alert Alertmanager refuses as data (a label name it does not allow: HTTP 400) becomes an ALERT_REJECTED
     * dead letter instead of being retried forever; the valid alert of the same batch, and the alerts after it, still
     * reach Alertmanager, and the batch is committed.
     */
    @Test
    void anAlertAlertmanagerRefusesIsDeadLetteredAndTheOthersStillArrive() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        started.add(kafka);
        kafka.createTopics(List.of(Topics.ALERTS, Topics.DEAD_LETTER), 1);
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        started.add(() -> webhook.stop(0));
        int amPort = EmbeddedKafka.freePort();
        alertmanager = startAlertmanager(amPort, webhook.getAddress().getPort());

        Envelope bad = envelope(
                control(
                        "ctl-bad",
                        ControlKind.KILL_SWITCH,
                        ControlAction.HALT_NEW_ENTRIES,
                        "pnl.drawdown.kill-switch",
                        Scope.newBuilder().setOrg("acme").build()),
                "bad-label");
        Envelope good = envelope(
                control(
                        "ctl-good",
                        ControlKind.KILL_SWITCH,
                        ControlAction.HALT_NEW_ENTRIES,
                        "pnl.drawdown.kill-switch",
                        Scope.newBuilder().setOrg("acme").build()),
                null);
        Envelope later = envelope(
                control(
                        "ctl-later",
                        ControlKind.COOLDOWN,
                        ControlAction.HALT_NEW_ENTRIES,
                        "guardrail.trip.cooldown",
                        Scope.newBuilder().setOrg("acme").build()),
                null);
        // Published before the forwarder starts: both in its first poll, so Alertmanager refuses a batch of two.
        send(kafka, List.of(bad, good));

        List<String> log = new CopyOnWriteArrayList<>();
        AlertmanagerForwarder forwarder = new AlertmanagerForwarder(
                kafka.bootstrapServers(),
                new Properties(),
                "alerts-reject-it",
                "http://127.0.0.1:" + amPort,
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                line -> {
                    log.add(line);
                    System.out.println("[alerts-reject-it] " + line);
                });
        Thread t = new Thread(forwarder::run, "forwarder");
        t.start();
        started.add(() -> {
            forwarder.stop();
            t.join(10_000);
        });

        // Alertmanager 0.25 stores the valid alerts of a batch it answers with 400, so this alone proves little; the
        // dead letter, the later alert and the committed offsets below are what a stalled forwarder would not reach.
        awaitTrue("the valid alert in Alertmanager", () -> alertsIn(amPort).contains("ctl-good"));
        List<Envelope> letters = new ArrayList<>();
        try (CommittedTopicReader dl = new CommittedTopicReader(kafka.bootstrapServers(), Topics.DEAD_LETTER)) {
            awaitTrue("one dead letter", () -> {
                letters.clear();
                try {
                    letters.addAll(dl.poll(Duration.ofMillis(200)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return letters.size() == 1;
            });
        }
        DeadLetter d = letters.get(0).getDeadLetter();
        assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.ALERT_REJECTED).isEqualTo("ALERT_REJECTED");
        assertThat(d.getOriginal().toByteArray()).isEqualTo(bad.toByteArray());
        assertThat(d.getOriginalEventId()).isEqualTo("alt-ctl-bad");
        assertThat(d.getSourceTopic()).isEqualTo(Topics.ALERTS);
        assertThat(d.getSourcePartition()).isZero();
        assertThat(d.getSourceOffset()).isZero();
        // Alertmanager's own message, as it answers the post (0.25: `invalid label set: invalid name "bad-label"`).
        assertThat(d.getDetail()).contains("HTTP 400").contains("invalid").contains("bad-label");

        // Not retried: the refusal cost no failed attempt, the batch was split, and the forwarder moves on.
        assertThat(log).anyMatch(l -> l.contains("refused a batch of 2 alerts"));
        send(kafka, List.of(later));
        awaitTrue("the later alert in Alertmanager", () -> alertsIn(amPort).contains("ctl-later"));
        awaitTrue("the good and later alerts counted as posted", () -> forwarder.posted() == 2);
        try (var admin = kafka.admin()) {
            awaitTrue("all three records committed", () -> committed(admin, "alerts-reject-it") == 3);
        }
        assertThat(alertsIn(amPort)).containsExactlyInAnyOrder("ctl-good", "ctl-later");
        assertThat(forwarder.rejected()).isEqualTo(1);
        assertThat(forwarder.failedAttempts()).isZero();
    }

    /**
     * One page per halt episode, closed by its RESUME (issue 16): the halt ledger turns a kill-switch, the same rule
     * confirming it twice, and an operator's resume into two alerts (the page, and the same labels with an end); the
     * forwarder posts them; Alertmanager notifies the webhook once firing and once resolved, and no longer lists the
     * alert as active. Times near the wall clock, as live.
     */
    @Test
    void aHaltEpisodePagesOnceAndItsResumeResolvesItInAlertmanager() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        started.add(kafka);
        kafka.createTopics(List.of(Topics.ALERTS), 1);
        List<JsonNode> notifications = new CopyOnWriteArrayList<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            if (exchange.getRequestURI().getPath().equals("/alerts")) {
                body.path("alerts").forEach(notifications::add);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        started.add(() -> webhook.stop(0));
        int amPort = EmbeddedKafka.freePort();
        alertmanager = startAlertmanager(amPort, webhook.getAddress().getPort());

        long now = System.currentTimeMillis() / 1000 * 1000;
        Scope scope =
                Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc").build();
        var ledger = org.apache.flink.streaming.util.ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new io.riskplane.halts.HaltLedger(SETTINGS),
                io.riskplane.halts.HaltLedger::key,
                org.apache.flink.api.common.typeinfo.Types.STRING);
        ledger.processWatermark(now - 600_000);
        for (ControlEvent c : List.of(
                at(
                        control(
                                "ctl-k1",
                                ControlKind.KILL_SWITCH,
                                ControlAction.HALT_NEW_ENTRIES,
                                "pnl.drawdown.kill-switch",
                                scope),
                        now - 300_000),
                at(
                        control(
                                "ctl-k2",
                                ControlKind.KILL_SWITCH,
                                ControlAction.HALT_NEW_ENTRIES,
                                "pnl.drawdown.kill-switch",
                                scope),
                        now - 200_000),
                at(
                        control(
                                "ctl-k3",
                                ControlKind.KILL_SWITCH,
                                ControlAction.HALT_NEW_ENTRIES,
                                "pnl.drawdown.kill-switch",
                                scope),
                        now - 100_000))) {
            ledger.processElement(record(c), ProtoTime.toMillis(c.getDecidedAt()));
        }
        ledger.processWatermark(now - 50_000);
        List<Envelope> firing = alertsOf(ledger);
        assertThat(firing).hasSize(1);
        send(kafka, firing);

        AlertmanagerForwarder forwarder = new AlertmanagerForwarder(
                kafka.bootstrapServers(),
                new Properties(),
                "alerts-episode-it",
                "http://127.0.0.1:" + amPort,
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                line -> System.out.println("[alerts-episode-it] " + line));
        Thread t = new Thread(forwarder::run, "forwarder");
        t.start();
        started.add(() -> {
            forwarder.stop();
            t.join(10_000);
        });
        awaitTrue("the page at the webhook, firing", () -> notifications.stream()
                .anyMatch(n -> n.path("status").asText().equals("firing")));
        assertThat(alertsIn(amPort)).containsExactly("ctl-k1");

        ControlEvent resume = at(
                        control("ctl-r1", ControlKind.RESUME, ControlAction.RESUME_TRADING, "operator.resume", scope),
                        now - 10_000)
                .toBuilder()
                .setLiftsRuleId("*")
                .build();
        ledger.processElement(record(resume), now - 10_000);
        ledger.processWatermark(now);
        List<Envelope> all = alertsOf(ledger);
        assertThat(all).hasSize(2);
        send(kafka, all.subList(1, 2));
        awaitTrue("the same alert at the webhook, resolved", () -> notifications.stream()
                .anyMatch(n -> n.path("status").asText().equals("resolved")));
        JsonNode page = notifications.stream()
                .filter(n -> n.path("status").asText().equals("firing"))
                .findFirst()
                .orElseThrow();
        JsonNode resolved = notifications.stream()
                .filter(n -> n.path("status").asText().equals("resolved"))
                .findFirst()
                .orElseThrow();
        assertThat(resolved.path("fingerprint").asText())
                .isEqualTo(page.path("fingerprint").asText());
        assertThat(resolved.path("labels")).isEqualTo(page.path("labels"));
        assertThat(resolved.path("labels").path("control_id").asText()).isEqualTo("ctl-k1");
        assertThat(java.time.Instant.parse(resolved.path("endsAt").asText()))
                .isEqualTo(java.time.Instant.ofEpochMilli(now - 10_000));
        assertThat(resolved.path("annotations").path("resolved_by").asText()).isEqualTo("ctl-r1");
        // The confirmations paged no one: every notification is about the one episode.
        assertThat(notifications)
                .allSatisfy(n ->
                        assertThat(n.path("labels").path("control_id").asText()).isEqualTo("ctl-k1"));
        awaitTrue("no active alert left", () -> activeAlerts(amPort) == 0);
    }

    static ControlEvent at(ControlEvent c, long millis) {
        return c.toBuilder().setDecidedAt(ProtoTime.fromMillis(millis)).build();
    }

    static io.riskplane.model.ControlRecord record(ControlEvent c) {
        Envelope e = Envelope.newBuilder()
                .setEventId(c.getControlId())
                .setSource("riskplane")
                .setEventTime(c.getDecidedAt())
                .setControl(c)
                .build();
        return new io.riskplane.model.ControlRecord(
                c.getControlId(),
                "strategy|acme|momentum-btc",
                ProtoTime.toMillis(c.getDecidedAt()),
                c.getRuleId(),
                e.toByteArray());
    }

    static List<Envelope> alertsOf(
            org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<
                            String, io.riskplane.model.ControlRecord, io.riskplane.model.HaltStateRecord>
                    ledger)
            throws Exception {
        List<Envelope> out = new ArrayList<>();
        var q = ledger.getSideOutput(io.riskplane.halts.HaltLedger.ALERTS);
        if (q != null) {
            for (var r : q) {
                out.add(Envelope.parseFrom(r.getValue().envelope()));
            }
        }
        return out;
    }

    static int activeAlerts(int port) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                            + "/api/v2/alerts?active=true&silenced=true&inhibited=true"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            int n = 0;
            for (JsonNode a : JSON.readTree(body)) {
                if (a.path("status").path("state").asText().equals("active")) {
                    n++;
                }
            }
            return n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The alert of control c as the job publishes it, with an extra label named extraLabel when it is not null. */
    static Envelope envelope(ControlEvent c, String extraLabel) {
        io.riskplane.v1.Alert.Builder a = ControlEventAlerts.alertOf(c, SETTINGS).toBuilder();
        if (extraLabel != null) {
            a.putLabels(extraLabel, "x");
        }
        return Envelope.newBuilder()
                .setEventId("alt-" + c.getControlId())
                .setSource("riskplane")
                .setEventTime(c.getDecidedAt())
                .setAlert(a)
                .build();
    }

    static void send(EmbeddedKafka kafka, List<Envelope> envelopes) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Envelope e : envelopes) {
                producer.send(new ProducerRecord<>(
                                Topics.ALERTS, e.getEventId().getBytes(StandardCharsets.UTF_8), e.toByteArray()))
                        .get();
            }
        }
    }

    static java.util.Set<String> alertsIn(int amPort) {
        try {
            return receiversByControl(amPort).keySet();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long committed(org.apache.kafka.clients.admin.Admin admin, String group) {
        try {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(new TopicPartition(Topics.ALERTS, 0));
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ControlEvent control(String id, ControlKind kind, ControlAction action, String rule, Scope scope) {
        return ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(kind)
                .setAction(action)
                .setRuleId(rule)
                .setRuleVersion(1)
                .setScope(scope)
                .setReasonCode("TEST")
                .setDecidedAt(ProtoTime.fromMillis(1_795_185_000_000L))
                .setEvidence(Evidence.newBuilder().setSummary("summary of " + id))
                .build();
    }

    static void publish(EmbeddedKafka kafka, List<ControlEvent> controls) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ControlEvent c : controls) {
                Envelope e = Envelope.newBuilder()
                        .setEventId("alt-" + c.getControlId())
                        .setSource("riskplane")
                        .setEventTime(c.getDecidedAt())
                        .setAlert(ControlEventAlerts.alertOf(c, SETTINGS))
                        .build();
                producer.send(new ProducerRecord<>(
                        Topics.ALERTS, c.getControlId().getBytes(StandardCharsets.UTF_8), e.toByteArray()));
            }
            producer.flush();
        }
    }

    /**
     * The repository's configuration, with the webhook pointed at this test, secret files made up, and group waits
     * shortened so that the test does not wait for production timings.
     */
    Process startAlertmanager(int port, int webhookPort) throws Exception {
        Path repo = repoRoot();
        String config = Files.readString(repo.resolve("dashboards/alertmanager/alertmanager.yml"));
        config = config.replaceAll("http://alert-webhook:8080", "http://127.0.0.1:" + webhookPort);
        config = config.replaceAll("(group_wait|group_interval):\\s*\\S+", "$1: 1s");
        Matcher m = Pattern.compile("(\\w+_file):\\s*(\\S+)").matcher(config);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        while (m.find()) {
            Path secret = dir.resolve("secret-" + n++);
            Files.writeString(
                    secret,
                    m.group(1).contains("url") ? "http://127.0.0.1:" + webhookPort + "/slack" : "test-routing-key");
            m.appendReplacement(sb, m.group(1) + ": " + Matcher.quoteReplacement(secret.toString()));
        }
        m.appendTail(sb);
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, sb.toString());
        Process p = new ProcessBuilder(
                        alertmanagerBinary(),
                        "--config.file=" + file,
                        "--storage.path=" + dir.resolve("am-data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address=")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        awaitTrue("Alertmanager ready", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("alertmanager exited: " + read(dir.resolve("alertmanager.log")));
            }
            try {
                return http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        return p;
    }

    static Map<String, List<String>> receiversByControl(int port) throws Exception {
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/alerts"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (JsonNode a : JSON.readTree(body)) {
            List<String> names = new ArrayList<>();
            a.path("receivers").forEach(r -> names.add(r.path("name").asText()));
            out.put(a.path("labels").path("control_id").asText(), names);
        }
        return out;
    }

    static String alertmanagerBinary() {
        for (String candidate :
                List.of("/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("no Alertmanager binary: apt-get install prometheus-alertmanager (bin/test does)");
    }

    static Path repoRoot() {
        return io.riskplane.testing.RepoRoot.path();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
