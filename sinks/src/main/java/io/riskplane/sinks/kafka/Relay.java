package io.riskplane.sinks.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the plane's relays beside the job (alerts forwarder, ClickHouse loader) share: a read_committed consumer that
 * commits offsets only by hand, and a delivery retried with exponential backoff until it is accepted or the relay
 * stops. Nothing is lost: a batch's offsets are committed only after its delivery was accepted.
 */
public final class Relay {
    /** One delivery attempt; throws IOException (logged and retried) unless the far side accepted it. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws IOException, InterruptedException;
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final AtomicBoolean running;
    private final AtomicLong failedAttempts;
    private final Consumer<String> log;

    public Relay(Duration initialBackoff, Duration maxBackoff, AtomicBoolean running, AtomicLong failedAttempts,
            Consumer<String> log) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.running = running;
        this.failedAttempts = failedAttempts;
        this.log = log;
    }

    /** Consumer properties: the client's own, plus read_committed, manual commits and the group. */
    public static Properties consumerProperties(String bootstrap, Properties client, String groupId) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", groupId);
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.putIfAbsent("auto.offset.reset", "earliest");
        return p;
    }

    /** Runs the attempt until it succeeds (true) or the relay is stopped or interrupted (false). */
    public boolean untilAccepted(String what, Attempt attempt) {
        long backoff = initialBackoff.toMillis();
        while (running.get()) {
            String failure;
            try {
                attempt.run();
                return true;
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            failedAttempts.incrementAndGet();
            log.accept(what + " failed (" + failure + "); retrying in " + backoff + " ms");
            try {
                Thread.sleep(backoff); // backoff between retries, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
        return false;
    }
}
