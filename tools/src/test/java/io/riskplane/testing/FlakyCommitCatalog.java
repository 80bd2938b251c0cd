package io.riskplane.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Iceberg's Hadoop catalog on a local directory, whose commits can be made to fail on demand: the next
 * {@link #FAIL_NEXT} commits to table {@link #TABLE} throw CommitFailedException, as a concurrent writer or a catalog
 * hiccup would. Static, because Flink loads the catalog by class name inside the same JVM.
 */
public class FlakyCommitCatalog extends HadoopCatalog {
    public static final AtomicInteger FAIL_NEXT = new AtomicInteger();
    public static final AtomicInteger FAILED = new AtomicInteger();
    /** Snapshot commits to {@link #TABLE} that succeeded after at least one injected failure. */
    public static final AtomicInteger SUCCEEDED_AFTER_FAILURE = new AtomicInteger();

    public static final String TABLE = "raw_events";

    @Override
    protected TableOperations newTableOps(TableIdentifier identifier) {
        TableOperations ops = super.newTableOps(identifier);
        return new TableOperations() {
            @Override
            public TableMetadata current() {
                return ops.current();
            }

            @Override
            public TableMetadata refresh() {
                return ops.refresh();
            }

            @Override
            public void commit(TableMetadata base, TableMetadata metadata) {
                // Only snapshot commits (data), not table creation.
                if (base != null
                        && identifier.name().equals(TABLE)
                        && FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    FAILED.incrementAndGet();
                    throw new CommitFailedException("injected commit failure on %s", identifier);
                }
                ops.commit(base, metadata);
                if (base != null && identifier.name().equals(TABLE) && FAILED.get() > 0) {
                    SUCCEEDED_AFTER_FAILURE.incrementAndGet();
                }
            }

            @Override
            public FileIO io() {
                return ops.io();
            }

            @Override
            public EncryptionManager encryption() {
                return ops.encryption();
            }

            @Override
            public String metadataFileLocation(String fileName) {
                return ops.metadataFileLocation(fileName);
            }

            @Override
            public LocationProvider locationProvider() {
                return ops.locationProvider();
            }

            @Override
            public TableOperations temp(TableMetadata uncommittedMetadata) {
                return ops.temp(uncommittedMetadata);
            }

            @Override
            public long newSnapshotId() {
                return ops.newSnapshotId();
            }
        };
    }
}
