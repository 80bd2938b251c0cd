package io.riskplane.plane;

import io.riskplane.staleness.TradingCalendar;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.configuration.description.TextElement;

/**
 * Every key of the plane's YAML configuration (config/riskplane.example.yaml, {@link PlaneConfig}) with its type, its
 * default and what it does: the one place the plane's defaults are written. {@link PlaneOptions#streaming()}, the
 * fallbacks of {@link PlaneConfig}, {@link PlaneRuntime}, the archive job and the ClickHouse loader read them from
 * here. An option without a default is required (its description says so) or off when unset. Keys are the YAML paths;
 * a map- or list-typed key holds its entries as written in the file.
 *
 * <p>Replay departs from the streaming defaults in three ways only, all in {@link ReplayOverrides}.
 *
 * <p>The reference in docs/operations.md ("Configuration reference") is generated from this class by
 * {@link #markdownReference()}: rewrite it with {@code main} (see there) after changing an option.
 */
public final class PlaneConfigOptions {
    private PlaneConfigOptions() {}

    // kafka

    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("kafka.bootstrap")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "Kafka bootstrap servers (comma-separated host:port) of every client of the plane; " + "required.");
    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group_id")
            .stringType()
            .defaultValue("riskplane")
            .withDescription("Consumer group of the decision job's sources; the early decisions' source uses "
                    + "`<group_id>-early`.");
    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "kafka.transactional_id_prefix")
            .stringType()
            .defaultValue("riskplane-control")
            .withDescription("Prefix of the transactional ids of the plane's Kafka producers; unique per plane "
                    + "deployment.");
    public static final ConfigOption<Boolean> KAFKA_CREATE_TOPICS = ConfigOptions.key("kafka.create_topics")
            .booleanType()
            .defaultValue(false)
            .withDescription("true: create the missing `riskplane.v1.*` topics at start.");
    public static final ConfigOption<Integer> KAFKA_PARTITIONS = ConfigOptions.key("kafka.partitions")
            .intType()
            .defaultValue(1)
            .withDescription("Partitions of each topic that `kafka.create_topics` creates.");
    public static final ConfigOption<String> KAFKA_CONTROL_DELIVERY = ConfigOptions.key("kafka.control_delivery")
            .stringType()
            .defaultValue(PlaneConfig.Kafka.EXACTLY_ONCE)
            .withDescription("`exactly_once`: control events and alerts in Kafka transactions committed with each "
                    + "checkpoint; `at_least_once`: written at once, with lower latency, and after a recovery a "
                    + "control event can appear again with the same control_id, which consumers drop.");
    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES = ConfigOptions.key("kafka.properties")
            .mapType()
            .noDefaultValue()
            .withDescription("Any Kafka client setting (security, `max.partition.fetch.bytes`, ...), for every "
                    + "client of the plane.");

    // clickhouse

    public static final ConfigOption<String> CLICKHOUSE_URL = ConfigOptions.key("clickhouse.url")
            .stringType()
            .noDefaultValue()
            .withDescription("ClickHouse HTTP endpoint; required.");
    public static final ConfigOption<String> CLICKHOUSE_USER = ConfigOptions.key("clickhouse.user")
            .stringType()
            .defaultValue("default")
            .withDescription("ClickHouse user.");
    public static final ConfigOption<String> CLICKHOUSE_PASSWORD_ENV = ConfigOptions.key("clickhouse.password_env")
            .stringType()
            .noDefaultValue()
            .withDescription("Environment variable that holds the ClickHouse password; unset: "
                    + "`clickhouse.password_file`, else no password.");
    public static final ConfigOption<String> CLICKHOUSE_PASSWORD_FILE = ConfigOptions.key("clickhouse.password_file")
            .stringType()
            .noDefaultValue()
            .withDescription("File that holds the ClickHouse password (a mounted secret), read when "
                    + "`clickhouse.password_env` is unset.");
    public static final ConfigOption<Integer> CLICKHOUSE_BATCH_SIZE = ConfigOptions.key("clickhouse.batch_size")
            .intType()
            .defaultValue(20000)
            .withDescription("Most records the ClickHouse loader takes per poll (one insert per table).");
    public static final ConfigOption<Long> CLICKHOUSE_BATCH_INTERVAL_MS = ConfigOptions.key(
                    "clickhouse.batch_interval_ms")
            .longType()
            .defaultValue(500L)
            .withDescription("Longest the ClickHouse loader waits for records before it inserts what it has.");

    // iceberg: the section is the catalog's properties; any other Iceberg catalog property may be set there too.

    public static final ConfigOption<String> ICEBERG_TYPE = ConfigOptions.key("iceberg.type")
            .stringType()
            .noDefaultValue()
            .withDescription("Iceberg catalog type, `hadoop`, `rest` or `jdbc`; the section takes any other Iceberg "
                    + "catalog property as well.");
    public static final ConfigOption<String> ICEBERG_URI = ConfigOptions.key("iceberg.uri")
            .stringType()
            .noDefaultValue()
            .withDescription("Catalog URI (`rest`, `jdbc`); `iceberg.uri` or `iceberg.warehouse` is required.");
    public static final ConfigOption<String> ICEBERG_WAREHOUSE = ConfigOptions.key("iceberg.warehouse")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the tables are stored; `iceberg.uri` or `iceberg.warehouse` is required.");

    // flink

    public static final ConfigOption<Integer> FLINK_PARALLELISM = ConfigOptions.key("flink.parallelism")
            .intType()
            .defaultValue(2)
            .withDescription("Subtasks of the decision job; the default applies on a local MiniCluster, while on a "
                    + "Flink cluster an unset value leaves the deployment's parallelism.");
    public static final ConfigOption<Long> FLINK_CHECKPOINT_INTERVAL_MS = ConfigOptions.key(
                    "flink.checkpoint_interval_ms")
            .longType()
            .defaultValue(2000L)
            .withDescription("How often the decision job checkpoints: control events become visible to "
                    + "read_committed consumers on checkpoint.");
    public static final ConfigOption<String> FLINK_CHECKPOINT_DIR = ConfigOptions.key("flink.checkpoint_dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the decision job's checkpoints are retained (kept on cancel, for "
                    + "`flink.restore_from`); unset: Flink's default.");
    public static final ConfigOption<String> FLINK_STATE_BACKEND = ConfigOptions.key("flink.state_backend")
            .stringType()
            .defaultValue("hashmap")
            .withDescription("Flink state backend: `hashmap` or `rocksdb`.");
    public static final ConfigOption<Integer> FLINK_WEB_UI_PORT = ConfigOptions.key("flink.web_ui_port")
            .intType()
            .defaultValue(8081)
            .withDescription("Local runs: port of Flink's REST API and web UI.");
    public static final ConfigOption<Integer> FLINK_METRICS_PORT = ConfigOptions.key("flink.metrics_port")
            .intType()
            .noDefaultValue()
            .withDescription("Port of Flink's Prometheus reporter (`/metrics`); unset: off.");
    public static final ConfigOption<String> FLINK_REST_BIND_ADDRESS = ConfigOptions.key("flink.rest_bind_address")
            .stringType()
            .defaultValue("127.0.0.1")
            .withDescription("Address the local REST API and web UI listen on (Flink's `rest.bind-address`); "
                    + "`0.0.0.0` for every interface.");
    public static final ConfigOption<String> FLINK_METRICS_BIND_ADDRESS = ConfigOptions.key(
                    "flink.metrics_bind_address")
            .stringType()
            .defaultValue("127.0.0.1")
            .withDescription(
                    "Address `/metrics` listens on; `0.0.0.0` when a Prometheus on another machine " + "scrapes it.");
    public static final ConfigOption<Boolean> FLINK_WEB_SUBMIT_ENABLED = ConfigOptions.key("flink.web_submit_enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("Jar upload and run over the local REST API (Flink's `web.submit.enable`).");
    public static final ConfigOption<Boolean> FLINK_WEB_CANCEL_ENABLED = ConfigOptions.key("flink.web_cancel_enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("Every local REST handler that changes a job or the cluster (cancel, stop, savepoint, "
                    + "rescale, submission, shutdown); off, only GET handlers answer.");
    public static final ConfigOption<String> FLINK_RESTORE_FROM = ConfigOptions.key("flink.restore_from")
            .stringType()
            .noDefaultValue()
            .withDescription("A retained checkpoint (its `chk-N` directory) or savepoint the decision job restarts "
                    + "from; unset: it starts empty.");

    // archive

    public static final ConfigOption<Long> ARCHIVE_CHECKPOINT_INTERVAL_MS = ConfigOptions.key(
                    "archive.checkpoint_interval_ms")
            .longType()
            .defaultValue(120_000L)
            .withDescription("How often the archive job checkpoints, and so commits to Iceberg (one snapshot per "
                    + "table per commit: fewer and larger files than committing every second).");
    public static final ConfigOption<String> ARCHIVE_GROUP_ID = ConfigOptions.key("archive.group_id")
            .stringType()
            .defaultValue("riskplane-archive")
            .withDescription("Kafka consumer group of the archive job.");
    public static final ConfigOption<Integer> ARCHIVE_PARALLELISM = ConfigOptions.key("archive.parallelism")
            .intType()
            .noDefaultValue()
            .withDescription("Subtasks of the archive job; unset: `flink.parallelism`.");
    public static final ConfigOption<String> ARCHIVE_CHECKPOINT_DIR = ConfigOptions.key("archive.checkpoint_dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the archive job's checkpoints go; unset: `flink.checkpoint_dir` with `-archive` "
                    + "appended (never the plane's own, which restarts look in).");
    public static final ConfigOption<Integer> ARCHIVE_METRICS_PORT = ConfigOptions.key("archive.metrics_port")
            .intType()
            .noDefaultValue()
            .withDescription("Local runs: port of the archive job's own Prometheus reporter; unset: off.");
    public static final ConfigOption<String> ARCHIVE_RESTORE_FROM = ConfigOptions.key("archive.restore_from")
            .stringType()
            .noDefaultValue()
            .withDescription("A retained checkpoint of the archive job to resume from.");

    // time

    public static final ConfigOption<Long> TIME_OUT_OF_ORDERNESS_MS = ConfigOptions.key("time.out_of_orderness_ms")
            .longType()
            .defaultValue(500L)
            .withDescription("How far behind the newest event an event may arrive and still be ordered "
                    + "deterministically; also the minimum detection delay.");
    public static final ConfigOption<Long> TIME_IDLENESS_MS = ConfigOptions.key("time.idleness_ms")
            .longType()
            .defaultValue(5000L)
            .withDescription("A partition silent this long stops holding back event time (six times as long before "
                    + "its first record); replay: 0, off.");
    public static final ConfigOption<Long> TIME_MAX_FUTURE_SKEW_MS = ConfigOptions.key("time.max_future_skew_ms")
            .longType()
            .defaultValue(300_000L)
            .withDescription("Events stamped further ahead of their Kafka timestamp (wall clock for files) are dead "
                    + "letters `FUTURE_TIMESTAMP`.");
    public static final ConfigOption<Long> TIME_STALE_HORIZON_MS = ConfigOptions.key("time.stale_horizon_ms")
            .longType()
            .defaultValue(3_600_000L)
            .withDescription("Events further behind the plane's watermark are dead letters `STALE_TIMESTAMP`, and a "
                    + "detector's ticks catch up at most this far; at least 60000 and at most "
                    + "`time.quiet_key_expiry_ms`.");
    public static final ConfigOption<Long> TIME_QUIET_KEY_EXPIRY_MS = ConfigOptions.key("time.quiet_key_expiry_ms")
            .longType()
            .defaultValue(21_600_000L)
            .withDescription("A quote or signal-source key silent this long, and judged stale since, is forgotten "
                    + "(ticks, rows and state); over one hour and at least `time.stale_horizon_ms`.");
    public static final ConfigOption<Long> TIME_LIVE_LAG_MS = ConfigOptions.key("time.live_lag_ms")
            .longType()
            .defaultValue(2000L)
            .withDescription("A live partition's watermark follows the wall clock this far behind it, so that "
                    + "silence is measured and halts; 0 = off; replay: 0, off, its watermarks driven by the data "
                    + "only.");

    // dislocation

    public static final ConfigOption<Double> DISLOCATION_THRESHOLD_BPS = ConfigOptions.key("dislocation.threshold_bps")
            .doubleType()
            .defaultValue(10.0)
            .withDescription("Divergence between two venues, net of both venues' taker fees, that counts as a "
                    + "dislocation.");
    public static final ConfigOption<Long> DISLOCATION_MIN_DURATION_MS = ConfigOptions.key(
                    "dislocation.min_duration_ms")
            .longType()
            .defaultValue(5000L)
            .withDescription("Shorter dislocation episodes are not reported.");
    public static final ConfigOption<Long> DISLOCATION_STALE_AFTER_MS = ConfigOptions.key("dislocation.stale_after_ms")
            .longType()
            .defaultValue(5000L)
            .withDescription("Quotes older than this are ignored by the dislocation detector.");
    public static final ConfigOption<Double> DISLOCATION_DEFAULT_FEE_BPS = ConfigOptions.key(
                    "dislocation.default_fee_bps")
            .doubleType()
            .defaultValue(2.0)
            .withDescription("Taker fee of a venue not listed in `dislocation.venue_fee_bps`.");
    public static final ConfigOption<Map<String, String>> DISLOCATION_VENUE_FEE_BPS = ConfigOptions.key(
                    "dislocation.venue_fee_bps")
            .mapType()
            .noDefaultValue()
            .withDescription("Taker fee per venue, in basis points.");

    // staleness

    public static final ConfigOption<Long> STALENESS_TICK_MS = ConfigOptions.key("staleness.tick_ms")
            .longType()
            .defaultValue(5000L)
            .withDescription("Consumer cursors are judged every this much event time.");
    public static final ConfigOption<Long> STALENESS_WINDOW_MS = ConfigOptions.key("staleness.window_ms")
            .longType()
            .defaultValue(60_000L)
            .withDescription("`no_signals_in_window` after this much silence from a source.");
    public static final ConfigOption<Long> STALENESS_LOOKBACK_MS = ConfigOptions.key("staleness.lookback_ms")
            .longType()
            .defaultValue(30_000L)
            .withDescription("`cursor_ahead_of_stream` when a cursor is this far past the newest signal the plane has "
                    + "seen.");
    public static final ConfigOption<String> STALENESS_DEFAULT_CALENDAR = ConfigOptions.key(
                    "staleness.default_calendar")
            .stringType()
            .defaultValue(TradingCalendar.ALWAYS)
            .withDescription("Market calendar of a lane not in `staleness.lane_calendars`: `NYSE` or `24x7`.");
    public static final ConfigOption<Map<String, String>> STALENESS_LANE_CALENDARS = ConfigOptions.key(
                    "staleness.lane_calendars")
            .mapType()
            .noDefaultValue()
            .withDescription("Market calendar per lane, for lanes trading a session-bound market.");

    // alerting

    public static final ConfigOption<String> ALERTING_ALERTMANAGER_URL = ConfigOptions.key("alerting.alertmanager_url")
            .stringType()
            .noDefaultValue()
            .withDescription("Where `run` and `riskplane alerts forward` post alerts; unset: `run` forwards none.");
    public static final ConfigOption<String> ALERTING_RUNBOOK_BASE_URL = ConfigOptions.key("alerting.runbook_base_url")
            .stringType()
            .defaultValue("docs/runbooks.md")
            .withDescription("An alert's runbook link is this, `#` and its rule id.");
    public static final ConfigOption<String> ALERTING_DEFAULT_TEAM = ConfigOptions.key("alerting.default_team")
            .stringType()
            .defaultValue("trading-oncall")
            .withDescription("The `team` label Alertmanager routes on, for an org not in `alerting.team_by_org`.");
    public static final ConfigOption<Map<String, String>> ALERTING_TEAM_BY_ORG = ConfigOptions.key(
                    "alerting.team_by_org")
            .mapType()
            .noDefaultValue()
            .withDescription("The `team` label of each org's alerts.");
    public static final ConfigOption<String> ALERTING_FORWARDER_GROUP_ID = ConfigOptions.key(
                    "alerting.forwarder_group_id")
            .stringType()
            .defaultValue("riskplane-alerts-forwarder")
            .withDescription("Kafka consumer group of the alerts forwarder.");

    // security

    public static final ConfigOption<String> SECURITY_CONTROL_SIGNING_KEY_ID = ConfigOptions.key(
                    "security.control_signing.key_id")
            .stringType()
            .noDefaultValue()
            .withDescription("Id of the HMAC-SHA256 key that signs every control event and heartbeat (the verifier "
                    + "looks keys up by id); unset: control events go unsigned.");
    public static final ConfigOption<String> SECURITY_CONTROL_SIGNING_KEY_ENV = ConfigOptions.key(
                    "security.control_signing.key_env")
            .stringType()
            .noDefaultValue()
            .withDescription("Environment variable that holds the signing key (base64 of at least 32 random bytes).");
    public static final ConfigOption<String> SECURITY_CONTROL_SIGNING_KEY_FILE = ConfigOptions.key(
                    "security.control_signing.key_file")
            .stringType()
            .noDefaultValue()
            .withDescription("File that holds the signing key, instead of `key_env`.");
    public static final ConfigOption<Long> SECURITY_HEARTBEAT_INTERVAL_MS = ConfigOptions.key(
                    "security.heartbeat_interval_ms")
            .longType()
            .defaultValue(1000L)
            .withDescription("How often a live plane publishes its heartbeat, with its watermark "
                    + "(`riskplane.v1.heartbeat`).");
    public static final ConfigOption<String> SECURITY_PLANE_ID = ConfigOptions.key("security.plane_id")
            .stringType()
            .defaultValue("riskplane")
            .withDescription("The plane's name in its heartbeats.");
    public static final ConfigOption<List<Map<String, String>>> SECURITY_OPERATOR_KEYS = ConfigOptions.key(
                    "security.operator_keys")
            .mapType()
            .asList()
            .noDefaultValue()
            .withDescription("Per operator, `key_id` (the operator id) and `key_env` or `key_file` of the key that "
                    + "signs their `riskplane control` commands; none: every command is refused (`UNKNOWN_OPERATOR`).");
    public static final ConfigOption<List<Map<String, String>>> SECURITY_POLICY_KEYS = ConfigOptions.key(
                    "security.policy_keys")
            .mapType()
            .asList()
            .noDefaultValue()
            .withDescription("The risk desk's keys, which sign risk policies: `key_id` (a policy's `signer_id`) and "
                    + "`key_env` or `key_file`; a policy signed under one of them is verified.");
    public static final ConfigOption<Boolean> SECURITY_REQUIRE_SIGNED_POLICIES = ConfigOptions.key(
                    "security.require_signed_policies")
            .booleanType()
            .defaultValue(false)
            .withDescription("true: a risk policy applies only when it verifies under one of "
                    + "`security.policy_keys` (at least one needed); false: only a signature that fails is refused.");

    /**
     * Where a replay (`riskplane replay`, lake replay, {@link PlaneOptions#replay()}) departs from the streaming
     * defaults, and the only place it does: a file or lake range has no silent partitions to wait out and no wall
     * clock to follow, so idleness and the live lag are off and the watermark moves with the data only (no periodic
     * wall-clock emission), which makes a replay's results depend on its input alone.
     */
    public static final class ReplayOverrides {
        private ReplayOverrides() {}

        /** {@link #TIME_IDLENESS_MS} in replay: off. */
        public static final long IDLENESS_MS = 0L;
        /** {@link #TIME_LIVE_LAG_MS} in replay: off. */
        public static final long LIVE_LAG_MS = 0L;
        /** Replay's watermarks move with the data only (DataDrivenWatermarks); live ones on a wall-clock period. */
        public static final boolean DATA_DRIVEN_WATERMARKS = true;

        /** The options of a replay: these options with the overrides above. */
        public static PlaneOptions apply(PlaneOptions o) {
            return new PlaneOptions(
                    o.outOfOrderness(),
                    Duration.ofMillis(IDLENESS_MS),
                    o.maxFutureSkew(),
                    DATA_DRIVEN_WATERMARKS,
                    o.dislocation(),
                    o.staleness(),
                    o.alerting(),
                    o.planeId(),
                    o.heartbeatInterval(),
                    Duration.ofMillis(LIVE_LAG_MS),
                    o.staleHorizon(),
                    o.quietKeyExpiry(),
                    o.operatorKeys(),
                    o.policyKeys(),
                    o.requireSignedPolicies());
        }

        /** Each overridden option and its value in replay, for the reference. */
        static Map<String, Object> byKey() {
            return Map.of(TIME_IDLENESS_MS.key(), IDLENESS_MS, TIME_LIVE_LAG_MS.key(), LIVE_LAG_MS);
        }
    }

    /** The default of a millisecond option, as a duration. */
    public static Duration defaultDuration(ConfigOption<Long> millis) {
        return Duration.ofMillis(millis.defaultValue());
    }

    /** The value when the file sets one, else the option's default. */
    public static <T> T orDefault(T value, ConfigOption<T> option) {
        return value != null ? value : option.defaultValue();
    }

    /** The sections of the file, in the example's order. */
    public static final List<String> SECTIONS = List.of(
            "kafka",
            "clickhouse",
            "iceberg",
            "flink",
            "archive",
            "time",
            "dislocation",
            "staleness",
            "alerting",
            "security");

    /** One option and the type its field declares. */
    public record Entry(ConfigOption<?> option, Type type) {
        public String key() {
            return option.key();
        }

        public String section() {
            return key().substring(0, key().indexOf('.'));
        }
    }

    /** Every option of this class (its static ConfigOption fields), by section in the file's order, then by key. */
    public static List<Entry> options() {
        List<Entry> all = new ArrayList<>();
        for (Field f : PlaneConfigOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                try {
                    all.add(new Entry(
                            (ConfigOption<?>) f.get(null),
                            ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0]));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        all.sort(Comparator.<Entry>comparingInt(e -> sectionIndex(e.section())).thenComparing(Entry::key));
        return all;
    }

    private static int sectionIndex(String section) {
        int i = SECTIONS.indexOf(section);
        if (i < 0) {
            throw new IllegalStateException("option in no known section: " + section);
        }
        return i;
    }

    public static final String REFERENCE_START = "<!-- config-reference:start -->";
    public static final String REFERENCE_END = "<!-- config-reference:end -->";

    /**
     * The configuration reference as Markdown: a table (key, type, default, description) per section of the file.
     * docs/operations.md holds it between {@link #REFERENCE_START} and {@link #REFERENCE_END}.
     */
    public static String markdownReference() {
        StringBuilder md = new StringBuilder();
        md.append("<!-- generated from io.riskplane.plane.PlaneConfigOptions; do not edit by hand. Regenerate: "
                + "PlaneConfigOptions.main, or run PlaneConfigOptionsTest with -Dregenerate=true -->\n");
        Map<String, Object> replay = ReplayOverrides.byKey();
        String section = null;
        for (Entry e : options()) {
            if (!e.section().equals(section)) {
                section = e.section();
                md.append("\n### `").append(section).append("`\n\n");
                md.append("| key | type | default | description |\n|---|---|---|---|\n");
            }
            ConfigOption<?> o = e.option();
            String dflt = o.hasDefaultValue() ? "`" + o.defaultValue() + "`" : "none";
            if (replay.containsKey(o.key())) {
                dflt += " (replay: `" + replay.get(o.key()) + "`)";
            }
            md.append("| `")
                    .append(o.key())
                    .append("` | ")
                    .append(typeName(e.type()))
                    .append(" | ")
                    .append(dflt)
                    .append(" | ")
                    .append(cell(text(o.description())))
                    .append(" |\n");
        }
        return md.toString();
    }

    static String typeName(Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (raw == Map.class) {
                return "map";
            }
            if (raw == List.class) {
                return "list of " + typeName(p.getActualTypeArguments()[0]) + "s";
            }
        }
        return switch (((Class<?>) t).getSimpleName()) {
            case "Integer" -> "int";
            case "Long" -> "long";
            case "Double" -> "double";
            case "Boolean" -> "boolean";
            case "String" -> "string";
            default -> ((Class<?>) t).getSimpleName();
        };
    }

    /** The description as plain text: a text written with withDescription(String) as it was given. */
    static String text(Description d) {
        StringBuilder s = new StringBuilder();
        for (BlockElement b : d.getBlocks()) {
            if (b instanceof TextElement t && t.getElements().isEmpty()) {
                s.append(t.getFormat());
            } else {
                s.append(new HtmlFormatter().format(Description.builder().add(b).build()));
            }
        }
        return s.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** The document with its reference block replaced by {@link #markdownReference()}. */
    public static String withReference(String doc) {
        int start = doc.indexOf(REFERENCE_START);
        int end = doc.indexOf(REFERENCE_END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no " + REFERENCE_START + " ... " + REFERENCE_END + " block");
        }
        return doc.substring(0, start + REFERENCE_START.length()) + "\n" + markdownReference() + doc.substring(end);
    }

    /** The reference block of a document (between the markers), or null without one. */
    public static String referenceOf(String doc) {
        int start = doc.indexOf(REFERENCE_START);
        int end = doc.indexOf(REFERENCE_END);
        if (start < 0 || end < start) {
            return null;
        }
        String block = doc.substring(start + REFERENCE_START.length(), end);
        return block.startsWith("\n") ? block.substring(1) : block;
    }

    /** Rewrites the reference in docs/operations.md (or the file given), from the repository's root. */
    public static void main(String[] args) throws IOException {
        Path doc = Path.of(args.length > 0 ? args[0] : "docs/operations.md");
        Files.writeString(doc, withReference(Files.readString(doc, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        System.out.println("rewrote the configuration reference in " + doc);
    }
}
