package io.riskplane.security;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskplane.infra.LocalPlane;
import io.riskplane.plane.LocalFlink;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local plane's Flink REST API and Prometheus endpoint (issue 14, item 6). Started as `demo` starts it, with the
 * web UI: both listen on 127.0.0.1 only (the kernel's socket table, and a connection to a non-loopback address of
 * this machine is refused), the REST API reads (job overview, web UI config) but refuses cancel, stop, cluster
 * shutdown and jar upload, and the job keeps running. With flink.web_cancel_enabled and flink.web_submit_enabled
 * the same endpoint cancels and lists jars again.
 */
class LocalRestExposureIT {
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void demoPlaneListensOnLoopbackAndItsRestApiOnlyReads() throws Exception {
        int uiPort = freePort();
        try (LocalPlane plane =
                LocalPlane.start(dir.resolve("plane"), uiPort, 1, line -> System.out.println("[rest] " + line))) {
            String rest = "http://127.0.0.1:" + uiPort;
            String job = plane.job.getJobID().toString();
            awaitTrue("the job RUNNING", () -> status(plane.job) == JobStatus.RUNNING);

            // Read-only monitoring still works, and tells the web UI that cancel and submit are off.
            HttpResponse<String> overview = send("GET", rest + "/jobs/overview", null);
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains(job);
            String config = send("GET", rest + "/config", null).body().replace(" ", "");
            assertThat(config).contains("\"web-submit\":false").contains("\"web-cancel\":false");

            // Every way to stop the job or the cluster over REST is refused, and so is jar upload.
            refused(send("PATCH", rest + "/jobs/" + job + "?mode=cancel", null));
            refused(send("PATCH", rest + "/jobs/" + job, null));
            refused(send("POST", rest + "/jobs/" + job + "/stop", "{\"drain\":false}"));
            refused(send(
                    "POST",
                    rest + "/jobs/" + job + "/savepoints",
                    "{\"target-directory\":\"" + dir.resolve("sp").toUri() + "\",\"cancel-job\":true}"));
            refused(send("DELETE", rest + "/cluster", null));
            refused(uploadJar(rest));
            refused(send("GET", rest + "/jars", null));
            assertThat(status(plane.job)).isEqualTo(JobStatus.RUNNING);
            assertThat(send("GET", rest + "/jobs/" + job, null).body()).contains("\"state\":\"RUNNING\"");

            // The metrics endpoint serves the plane's metrics.
            int metricsPort = plane.config.flink().metricsPort();
            awaitTrue("riskplane metrics on " + plane.metricsUrl(), () -> {
                try {
                    HttpResponse<String> r = send("GET", plane.metricsUrl(), null);
                    return r.statusCode() == 200 && r.body().contains("flink_jobmanager_");
                } catch (Exception e) {
                    return false;
                }
            });

            // Both listen on 127.0.0.1 and nowhere else, as the kernel reports it ...
            assertThat(listeners(uiPort)).containsExactly("127.0.0.1");
            assertThat(listeners(metricsPort)).containsExactly("127.0.0.1");
            // ... and another address of this machine refuses the connection (when it has one).
            Optional<InetAddress> external = nonLoopbackAddress();
            System.out.println("[rest] non-loopback address checked: " + external.orElse(null));
            if (external.isPresent()) {
                for (int port : new int[] {uiPort, metricsPort}) {
                    assertThatThrownBy(() -> {
                                try (Socket s = new Socket()) {
                                    s.connect(new InetSocketAddress(external.get(), port), 2000);
                                }
                            })
                            .as("port " + port + " on " + external.get())
                            .isInstanceOf(ConnectException.class);
                }
            }
        }
    }

    @Test
    void jobControlAndJarUploadComeBackWhenConfigured() throws Exception {
        int uiPort = freePort();
        PlaneConfig.Flink f = new PlaneConfig.Flink(1, null, null, null, uiPort, null, null, null, null, true, true);
        StreamExecutionEnvironment env =
                LocalFlink.environment(PlaneRuntime.localExposure(new Configuration(), f, true));
        env.fromSequence(0, Long.MAX_VALUE).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("endless");
        try {
            awaitTrue("the job RUNNING", () -> status(job) == JobStatus.RUNNING);
            String rest = "http://127.0.0.1:" + uiPort;
            assertThat(send("GET", rest + "/jars", null).statusCode()).isEqualTo(200);
            assertThat(listeners(uiPort)).containsExactly("127.0.0.1");
            assertThat(send("PATCH", rest + "/jobs/" + job.getJobID() + "?mode=cancel", null)
                            .statusCode())
                    .isEqualTo(202);
            // The per-job MiniCluster shuts down with the job: its result says how it ended.
            awaitTrue("the job ended", () -> job.getJobExecutionResult().isDone());
            assertThatThrownBy(() -> job.getJobExecutionResult().get()).hasStackTraceContaining("cancel");
        } finally {
            if (!job.getJobExecutionResult().isDone()) {
                job.cancel().get();
            }
        }
    }

    /** A client error (404 where the handler is gone, 400 where the router finds the path under another method). */
    static void refused(HttpResponse<String> r) {
        System.out.println("[rest] " + r.request().method() + " " + r.uri().getPath() + " -> " + r.statusCode() + " "
                + r.body().replaceAll("\\s+", " "));
        assertThat(r.statusCode())
                .as(r.request().method() + " " + r.uri() + ": " + r.body())
                .isBetween(400, 499);
    }

    static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            return JobStatus.FAILED;
        }
    }

    HttpResponse<String> send(String method, String url, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        b = json == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart jar upload as the web UI sends it. */
    HttpResponse<String> uploadJar(String rest) throws Exception {
        Path jar = Files.write(
                dir.resolve("evil.jar"),
                new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        String boundary = "riskplane" + System.nanoTime();
        byte[] head = ("--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"evil.jar\"\r\n"
                        + "Content-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(head);
        body.write(Files.readAllBytes(jar));
        body.write(tail);
        return http.send(
                HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The local addresses of the listening TCP sockets on port, from /proc/net/tcp and tcp6. */
    static List<String> listeners(int port) throws IOException {
        List<String> out = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] cols = line.trim().split("\\s+");
                String[] local = cols[1].split(":");
                if (cols[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
                    out.add(address(local[0]));
                }
            }
        }
        return out;
    }

    /** /proc/net/tcp's hex address (host byte order, little-endian words) as text. */
    static String address(String hex) throws IOException {
        byte[] b = new byte[hex.length() / 2];
        for (int w = 0; w < b.length / 4; w++) {
            for (int i = 0; i < 4; i++) {
                b[w * 4 + i] = (byte) Integer.parseInt(hex.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(b).getHostAddress();
    }

    static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
