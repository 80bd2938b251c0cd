package io.riskplane.sinks.clickhouse;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's ClickHouse dies with the demo (issue 14, item 9): a child JVM starts LocalClickHouseServer as the demo
 * does and reports the server's pid; the child is killed with SIGKILL (no shutdown hook runs); the server process
 * must then end within the deadline, and its HTTP port stop answering.
 */
class ClickHouseWatchdogIT {
    @TempDir
    Path dir;

    /** The child JVM: starts the server, prints its pid and port, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        LocalClickHouseServer server = LocalClickHouseServer.start(Path.of(args[0]));
        System.out.println("SERVER " + server.pid() + " " + server.httpPort());
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }

    @Test
    void serverEndsAfterItsJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ClickHouseWatchdogIT.class.getName(),
                        dir.resolve("ch").toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("child.err").toFile()))
                .start();
        long serverPid;
        int port;
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                        try {
                            for (String l; (l = out.readLine()) != null; ) {
                                if (l.startsWith("SERVER ")) {
                                    return l;
                                }
                            }
                            return null;
                        } catch (java.io.IOException e) {
                            return null;
                        }
                    })
                    .get(90, TimeUnit.SECONDS);
            assertThat(line)
                    .as("child output; stderr in " + dir.resolve("child.err"))
                    .isNotNull();
            String[] parts = line.split(" ");
            serverPid = Long.parseLong(parts[1]);
            port = Integer.parseInt(parts[2]);
            Optional<ProcessHandle> server = ProcessHandle.of(serverPid);
            assertThat(server).isPresent();
            assertThat(Files.readString(Path.of("/proc/" + serverPid + "/cmdline")))
                    .contains("clickhouse");
            assertThat(server.get().parent().flatMap(p -> p.parent()).map(ProcessHandle::pid))
                    .contains(jvm.pid());
            assertThat(ping(port)).isTrue();
        } finally {
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        }
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).isEqualTo(137);
        awaitTrue(
                "the ClickHouse server (pid " + serverPid + ") gone after its JVM was killed",
                () -> ProcessHandle.of(serverPid).map(p -> !p.isAlive()).orElse(true));
        assertThat(ping(port)).isFalse();
    }

    static boolean ping(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
