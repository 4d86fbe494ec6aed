package io.busbar.bus.powerloss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The power-loss model itself (what {@link PowerLossTest} relies on): fsynced data and directory entries always
 * survive; what was not fsynced is sometimes lost, and only ever as a prefix of what was written (or zeros).
 */
class UnsyncedChangesTest {
    private static final byte[] FIRST = "first-synced-".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECOND = "second-never-synced-".repeat(20).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    /** One generator for all rounds: the first draws of Randoms seeded 0, 1, 2... are nearly the same. */
    private final Random random = new Random(42);

    @Test
    void keepsFsyncedDataAndLosesOnlyATailOfTheRest() throws IOException {
        int lostSome = 0;
        for (int seed = 0; seed < 60; seed++) {
            Path dir = Files.createDirectories(root.resolve("d" + seed));
            UnsyncedChanges changes = new UnsyncedChanges(root.resolve("trash" + seed));
            Path file = dir.resolve("log");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                UnsyncedChanges.FileData data = changes.data(file);
                changes.created(file);
                write(changes, data, ch, FIRST);
                long mark = changes.nextSeq();
                ch.force(true);
                changes.fileSynced(data, mark);
                long dirMark = changes.nextSeq();
                changes.dirSynced(dir, dirMark);
                write(changes, data, ch, SECOND);
            }
            changes.losePower(random);

            byte[] after = Files.readAllBytes(file);
            assertThat(after.length).isGreaterThanOrEqualTo(FIRST.length);
            assertThat(Arrays.copyOf(after, FIRST.length)).as("fsynced bytes, seed %d", seed).isEqualTo(FIRST);
            byte[] tail = Arrays.copyOfRange(after, FIRST.length, after.length);
            boolean prefix = Arrays.equals(tail, Arrays.copyOf(SECOND, tail.length));
            boolean zeros = tail.length == SECOND.length && allZero(tail);
            assertThat(prefix || zeros || prefixThenZeros(tail)).as("unsynced bytes are a prefix or zeros, seed %d", seed).isTrue();
            if (!Arrays.equals(tail, SECOND)) {
                lostSome++;
            }
        }
        assertThat(lostSome).as("power losses that took unsynced bytes").isGreaterThan(10);
    }

    @Test
    void revertsARenameOnlyWhenItsDirectoryWasNotFsynced() throws IOException {
        int reverted = 0;
        for (int seed = 0; seed < 40; seed++) {
            Path dir = Files.createDirectories(root.resolve("r" + seed));
            Files.writeString(dir.resolve("a"), "x");
            Files.writeString(dir.resolve("b"), "y");
            UnsyncedChanges changes = new UnsyncedChanges(root.resolve("trash-r" + seed));
            changes.move(dir.resolve("a"), dir.resolve("a2"));
            changes.dirSynced(dir, changes.nextSeq());
            changes.move(dir.resolve("b"), dir.resolve("b2"));
            changes.losePower(random);

            assertThat(dir.resolve("a2")).as("a rename made durable by a directory fsync stays").exists();
            assertThat(dir.resolve("a")).doesNotExist();
            boolean old = Files.exists(dir.resolve("b"));
            assertThat(old).as("exactly one name for b").isNotEqualTo(Files.exists(dir.resolve("b2")));
            if (old) {
                reverted++;
            }
        }
        assertThat(reverted).isGreaterThan(5).isLessThan(40);
    }

    @Test
    void bringsBackAFileWhoseDeletionWasNotMadeDurable() throws IOException {
        int back = 0;
        for (int seed = 0; seed < 40; seed++) {
            Path dir = Files.createDirectories(root.resolve("x" + seed));
            Files.writeString(dir.resolve("gone"), "z");
            UnsyncedChanges changes = new UnsyncedChanges(root.resolve("trash-x" + seed));
            assertThat(changes.delete(dir.resolve("gone"))).isTrue();
            assertThat(dir.resolve("gone")).doesNotExist();
            changes.losePower(random);
            if (Files.exists(dir.resolve("gone"))) {
                assertThat(Files.readString(dir.resolve("gone"))).isEqualTo("z");
                back++;
            }
        }
        assertThat(back).isGreaterThan(5).isLessThan(40);
        assertThat(root.resolve("trash-x0")).doesNotExist();
    }

    private static void write(UnsyncedChanges changes, UnsyncedChanges.FileData data, FileChannel ch, byte[] bytes)
            throws IOException {
        changes.beforeWrite(data, ch, ch.position(), bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** A torn write whose size reached the disk: a prefix of the data, then zeros up to the size at the crash. */
    private static boolean prefixThenZeros(byte[] tail) {
        int i = 0;
        while (i < tail.length && tail[i] == SECOND[i]) {
            i++;
        }
        return allZero(Arrays.copyOfRange(tail, i, tail.length));
    }
}
