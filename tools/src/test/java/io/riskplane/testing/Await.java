package io.riskplane.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a deadline: the tests' only synchronisation (never a bare sleep). */
public final class Await {
    public static final Duration DEADLINE = Duration.ofMinutes(4);

    private Await() {}

    public static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100); // poll interval
        }
        throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what);
    }
}
