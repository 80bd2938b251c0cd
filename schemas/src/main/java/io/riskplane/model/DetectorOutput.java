package io.riskplane.model;

/**
 * Any detector's result in one generic shape for the lakehouse: which detector, which scope, its event time and the
 * result as JSON (the same JSON as in replay output). Typed columns live in ClickHouse.
 */
public record DetectorOutput(String outputId, String detector, String scopeKey, long eventTimeMillis, String json) {}
