package io.riskplane.infra;

/**
 * The main class of the broker process that {@link EmbeddedKafka} starts in {@link EmbeddedKafka.Mode#OWN_PROCESS}:
 * {@code kafka.Kafka server.properties}, plus a thread that exits this JVM (which runs the broker's shutdown hook)
 * once the JVM that started it is gone, so that a killed bench leaves no broker holding its ports. Java cannot ask
 * the kernel to signal a child when its parent dies.
 *
 * <p>Arguments: the parent's pid, the server.properties file.
 */
public final class KafkaBrokerProcess {
    private KafkaBrokerProcess() {}

    public static void main(String[] args) {
        long parent = Long.parseLong(args[0]);
        Thread watch = new Thread(
                () -> {
                    while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                        try {
                            Thread.sleep(500); // polling the parent process
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    System.exit(1);
                },
                "parent-watch");
        watch.setDaemon(true);
        watch.start();
        kafka.Kafka.main(new String[] {args[1]});
    }
}
