package io.riskplane.outputs;

/** One line of a replay output file, with the key that orders the file independently of parallelism. */
public record OutputLine(String file, String sortKey, String json) {}
