package io.riskplane.sinks.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot expiry on a real Hadoop catalog on disk: the commits the plane makes on every checkpoint stop piling up,
 * every data file stays readable, and old metadata files are deleted.
 */
class IcebergSnapshotExpiryIT {
    static final int COMMITS = 25;

    @TempDir
    Path warehouse;

    @Test
    void expiryKeepsTheNewestSnapshotsAndEveryRow() throws Exception {
        IcebergLakehouse lakehouse = IcebergLakehouse.localWarehouse(warehouse.toString());
        lakehouse.ensureTables();
        HadoopCatalog catalog = new HadoopCatalog();
        catalog.setConf(new Configuration());
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
        catalog.initialize("test", props);
        long expectedRows = 0;
        for (int i = 1; i <= COMMITS; i++) {
            expectedRows += i;
            for (String name : IcebergLakehouse.TABLES) {
                Table t = catalog.loadTable(TableIdentifier.of(IcebergLakehouse.NAMESPACE, name));
                // One commit per checkpoint, as the plane's committer makes them.
                t.newAppend()
                        .appendFile(DataFiles.builder(t.spec())
                                .withPath(warehouse
                                        .resolve(name + "-" + i + ".parquet")
                                        .toString())
                                .withFormat("PARQUET")
                                .withFileSizeInBytes(100)
                                .withRecordCount(i)
                                .withPartitionPath(t.spec().fields().get(0).name() + "=2026-11-20")
                                .build())
                        .commit();
            }
        }
        for (String name : IcebergLakehouse.TABLES) {
            assertThat(lakehouse.snapshotCount(name)).isEqualTo(COMMITS);
        }

        Map<String, Integer> expired = lakehouse.expireSnapshots(Duration.ZERO, 3);

        for (String name : IcebergLakehouse.TABLES) {
            assertThat(expired.get(name)).as(name).isEqualTo(COMMITS - 3);
            assertThat(lakehouse.snapshotCount(name)).as(name).isEqualTo(3);
            assertThat(lakehouse.rowCount(name)).as(name).isEqualTo(expectedRows);
            Table t = catalog.loadTable(TableIdentifier.of(IcebergLakehouse.NAMESPACE, name));
            int files = 0;
            try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
                for (FileScanTask ignored : tasks) {
                    files++;
                }
            }
            assertThat(files).as("data files still in %s", name).isEqualTo(COMMITS);
            Path metadata =
                    warehouse.resolve(IcebergLakehouse.NAMESPACE).resolve(name).resolve("metadata");
            // The manifest lists of expired snapshots are deleted with them.
            assertThat(countFiles(metadata, "snap-"))
                    .as("manifest lists of %s", name)
                    .isEqualTo(3);
            // Create, 25 appends and the expiry wrote 27 metadata files: the current one and 20 previous remain.
            assertThat(countFiles(metadata, "v"))
                    .as("metadata files of %s", name)
                    .isEqualTo(21);
        }
    }

    private static long countFiles(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && (n.endsWith(".avro") || n.endsWith(".metadata.json")))
                    .count();
        }
    }
}
