package io.riskplane.eventtime;

import java.io.Serializable;
import java.util.Comparator;

/** The total order of events that share one event time. Serializable, since Flink ships it with the function. */
@FunctionalInterface
public interface OrderWithinTimestamp<T> extends Comparator<T>, Serializable {}
