package io.riskplane.contract;

import com.google.protobuf.Timestamp;

/** Millisecond conversions for protobuf timestamps; the plane computes in epoch milliseconds, UTC. */
public final class ProtoTime {
    private ProtoTime() {}

    public static long toMillis(Timestamp ts) {
        return ts.getSeconds() * 1000L + ts.getNanos() / 1_000_000;
    }

    public static Timestamp fromMillis(long millis) {
        return Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(millis, 1000L))
                .setNanos((int) Math.floorMod(millis, 1000L) * 1_000_000)
                .build();
    }
}
