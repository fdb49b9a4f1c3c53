package dev.offload.worker.spi;

/**
 * Thrown by a {@link JobHandler} when retrying cannot help (for example an invalid payload): the job fails at once,
 * whatever attempts are left. The message is shown to clients, so it should say what is wrong and never contain
 * secrets.
 */
public class PermanentJobFailure extends Exception {

    public PermanentJobFailure(String message) {
        super(message);
    }

    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
