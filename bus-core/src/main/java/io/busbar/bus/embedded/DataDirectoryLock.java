package io.busbar.bus.embedded;

import io.busbar.bus.DataDirectoryLockedException;
import io.busbar.bus.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <dataDir>/.lock}, held while a bus is open so that two processes (or two buses in one
 * JVM) never write the same logs. The OS releases it if the process dies, so a crash never leaves a stale lock.
 */
final class DataDirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dataDir) {
        FileChannel channel = null;
        try {
            io.busbar.bus.log.LogFiles.createDirectoriesDurably(dataDir);
            channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw locked(dataDir, null);
            }
            return new DataDirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw locked(dataDir, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("Cannot lock data directory " + dataDir + ": " + e.getMessage()
                    + " (check that it exists and is writable)", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static DataDirectoryLockedException locked(Path dataDir, Exception cause) {
        return new DataDirectoryLockedException("Data directory " + dataDir.toAbsolutePath()
                + " is in use by another Busbar (process or bus in this JVM): stop it, or use another busbar.data.dir", cause);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the original error is what matters
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StorageException("Cannot release the data directory lock: " + e.getMessage(), e);
        }
    }
}
