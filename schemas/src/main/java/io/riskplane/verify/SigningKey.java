package io.riskplane.verify;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Where a signing key is, not the key: the key id and either an environment variable or a file holding the key as
 * base64. The key itself is read where it is used (by the Kafka sink on the task manager), so it never travels in the
 * job graph or sits in configuration.
 */
public record SigningKey(String keyId, String env, String file) implements Serializable {
    public ControlSigner load() {
        if (env != null && !env.isBlank()) {
            return ControlSigner.fromEnvironment(keyId, env);
        }
        if (file != null && !file.isBlank()) {
            try {
                return ControlSigner.fromFile(keyId, Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("reading signing key " + keyId + " from " + file, e);
            }
        }
        throw new IllegalStateException("signing key " + keyId + " names neither key_env nor key_file");
    }
}
