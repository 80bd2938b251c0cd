package io.riskplane.sinks.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private ClickHouse server process for `riskplane demo` and the tests: its own config, data directory and
 * loopback ports, started from the installed binary (Debian's clickhouse-server, or a current single `clickhouse`
 * binary). Installs the Debian package when the binary is missing and the user may (root with apt-get); otherwise
 * fails with a message that says what to install.
 */
public final class LocalClickHouseServer implements AutoCloseable {
    private volatile Process process;
    private final int httpPort;
    private final Path dir;

    private LocalClickHouseServer(Process process, int httpPort, Path dir) {
        this.process = process;
        this.httpPort = httpPort;
        this.dir = dir;
    }

    public static LocalClickHouseServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, "");
    }

    /** As {@link #start(Path)}, with a password for the default user (stored as its SHA-256; empty for none). */
    public static LocalClickHouseServer start(Path dir, String defaultPassword)
            throws IOException, InterruptedException {
        List<String> command = serverCommand();
        int httpPort = freePort();
        int tcpPort = freePort();
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("user_files"));
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("format_schemas"));
        Path config = dir.resolve("config.xml");
        Files.writeString(config, config(dir, httpPort, tcpPort));
        Files.writeString(dir.resolve("users.xml"), users(defaultPassword));
        LocalClickHouseServer server = new LocalClickHouseServer(launch(command, dir), httpPort, dir);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    /**
     * Starts the server under a watchdog shell: Java cannot ask the kernel to signal a child when its parent dies
     * (PR_SET_PDEATHSIG), so after a SIGKILL of this JVM the server would keep running, holding its ports and data.
     * The watchdog polls this JVM's pid every 0.5 s; when it is gone (or the watchdog is sent SIGTERM, as
     * {@link #close()} does) it stops the server with SIGTERM, then SIGKILL after 20 s. The server's pid is written
     * to server.pid in the server's directory.
     */
    private static Process launch(List<String> command, Path dir) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                WATCHDOG,
                "riskplane-clickhouse-watchdog",
                String.valueOf(ProcessHandle.current().pid()),
                dir.resolve("server.pid").toString()));
        cmd.addAll(command);
        cmd.add("--config-file=" + dir.resolve("config.xml"));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("log/stdout.log").toFile()))
                .start();
    }

    static final String WATCHDOG = String.join(
            "\n",
            "parent=$1; pidfile=$2; shift 2",
            "\"$@\" &",
            "child=$!",
            "echo $child > \"$pidfile\"",
            "trap 'kill -TERM $child 2>/dev/null' TERM INT HUP",
            "while kill -0 \"$parent\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done",
            "kill -TERM $child 2>/dev/null",
            "i=0",
            "while kill -0 $child 2>/dev/null && [ $i -lt 40 ]; do sleep 0.5; i=$((i+1)); done",
            "kill -KILL $child 2>/dev/null",
            "wait $child");

    /** The server process's pid (not its watchdog's). */
    public long pid() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("server.pid")).trim());
    }

    /** Stops the server (for outage drills); {@link #restart()} brings it back on the same ports and data. */
    public void stop() {
        close();
    }

    public void restart() throws IOException, InterruptedException {
        close();
        process = launch(serverCommand(), dir);
        awaitReady(Duration.ofSeconds(60));
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path directory() {
        return dir;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "clickhouse-server exited with " + process.exitValue() + "; see " + dir.resolve("log"));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(httpUrl() + "/ping"))
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException(
                "clickhouse-server did not answer /ping within " + timeout + "; see " + dir.resolve("log"));
    }

    @Override
    public void close() {
        // SIGTERM to the watchdog, which stops the server and waits for it; should the watchdog not end in time,
        // both are killed (the server by its pid, which the watchdog's death would otherwise orphan).
        List<ProcessHandle> server = process.toHandle().children().toList();
        process.destroy();
        try {
            if (!process.waitFor(25, TimeUnit.SECONDS)) {
                server.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** How to run the server here, installing Debian's package first when that is possible. */
    static List<String> serverCommand() throws IOException, InterruptedException {
        List<String> found = findServer();
        if (found != null) {
            return found;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && onPath("apt-get")) {
            System.err.println("riskplane: clickhouse-server is not installed; installing Debian's package...");
            run(List.of("apt-get", "install", "-y", "-qq", "clickhouse-server", "clickhouse-client"), true);
            found = findServer();
            if (found == null) {
                run(List.of("apt-get", "update", "-qq"), false);
                run(List.of("apt-get", "install", "-y", "-qq", "clickhouse-server", "clickhouse-client"), false);
                found = findServer();
            }
            if (found != null) {
                return found;
            }
        }
        throw new IOException("ClickHouse is missing: no clickhouse-server or clickhouse binary on PATH. Install it "
                + "(Debian/Ubuntu: sudo apt-get install clickhouse-server), or point riskplane at an external "
                + "ClickHouse with `riskplane run --config FILE`.");
    }

    private static List<String> findServer() {
        if (onPath("clickhouse-server")) {
            return List.of("clickhouse-server");
        }
        if (onPath("clickhouse")) {
            return List.of("clickhouse", "server");
        }
        return null;
    }

    private static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/usr/local/bin";
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }

    private static void run(List<String> cmd, boolean quietFailure) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        int rc = pb.start().waitFor();
        if (rc != 0 && !quietFailure) {
            throw new IOException(String.join(" ", cmd) + " failed with exit code " + rc);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(Path dir, int httpPort, int tcpPort) {
        String d = dir.toAbsolutePath().toString();
        return "<?xml version=\"1.0\"?>\n<yandex>\n"
                + "  <logger><level>warning</level><log>" + d + "/log/server.log</log>"
                + "<errorlog>" + d + "/log/error.log</errorlog><size>10M</size><count>2</count></logger>\n"
                + "  <listen_host>127.0.0.1</listen_host>\n"
                + "  <http_port>" + httpPort + "</http_port>\n"
                + "  <tcp_port>" + tcpPort + "</tcp_port>\n"
                + "  <path>" + d + "/data/</path>\n"
                + "  <tmp_path>" + d + "/tmp/</tmp_path>\n"
                + "  <user_files_path>" + d + "/user_files/</user_files_path>\n"
                + "  <format_schema_path>" + d + "/format_schemas/</format_schema_path>\n"
                + "  <users_config>users.xml</users_config>\n"
                + "  <default_profile>default</default_profile>\n"
                + "  <default_database>default</default_database>\n"
                + "  <mark_cache_size>268435456</mark_cache_size>\n"
                + "  <max_concurrent_queries>100</max_concurrent_queries>\n"
                + "</yandex>\n";
    }

    /**
     * The read-only users' limits (profile {@code analyst}, users {@code analyst} and {@code grafana}): readonly = 1,
     * so that no query or URL parameter can change a setting (a per-query {@code SETTINGS max_memory_usage=0} is
     * refused) and no table function runs (url, remote, remoteSecure, file, ...: ClickHouse forbids table functions
     * in readonly mode 1). ClickHouse 18.16 has no settings constraints, so these clients must not send settings.
     */
    public static final long READ_ONLY_MAX_EXECUTION_TIME_S = 60;

    public static final long READ_ONLY_MAX_MEMORY_USAGE = 2_000_000_000L;

    static String readOnlyProfile() {
        return "<readonly>1</readonly><max_execution_time>" + READ_ONLY_MAX_EXECUTION_TIME_S
                + "</max_execution_time><max_memory_usage>" + READ_ONLY_MAX_MEMORY_USAGE + "</max_memory_usage>";
    }

    /** The plane's default user (loopback only; a password if given) and the read-only users above. */
    private static String users(String defaultPassword) {
        return USERS.replace(
                "<default><password></password>",
                defaultPassword.isEmpty()
                        ? "<default><password></password>"
                        : "<default><password_sha256_hex>" + sha256Hex(defaultPassword) + "</password_sha256_hex>");
    }

    private static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String USERS = "<?xml version=\"1.0\"?>\n<yandex>\n"
            + "  <profiles>\n"
            + "    <default><max_memory_usage>4000000000</max_memory_usage></default>\n"
            + "    <analyst>" + readOnlyProfile() + "</analyst>\n"
            + "  </profiles>\n"
            + "  <users>\n"
            + "    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
            + "<profile>default</profile><quota>default</quota></default>\n"
            + "    <analyst><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
            + "<profile>analyst</profile><quota>default</quota>"
            + "<allow_databases><database>riskplane</database><database>system</database></allow_databases></analyst>\n"
            + "    <grafana><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
            + "<profile>analyst</profile><quota>default</quota>"
            + "<allow_databases><database>riskplane</database><database>system</database></allow_databases></grafana>\n"
            + "  </users>\n"
            + "  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>"
            + "<result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>"
            + "</interval></default></quotas>\n"
            + "</yandex>\n";
}
