package io.busbar.connectors.file;

/**
 * One record cut from a file, with where the next record starts, so a reader can resume right after it.
 *
 * @param number          1-based record number in the file (header row excluded)
 * @param line            1-based line on which the record starts (for error messages)
 * @param key             record key, or null
 * @param value           record value (UTF-8 for text formats), or null when malformed
 * @param nextPosition    byte offset in the file just after this record: where to resume
 * @param malformedReason why the record could not be parsed, or null when it is well-formed
 * @param raw             the record's text as read (kept only for malformed records, for the dead-letter topic)
 */
public record ParsedRecord(long number, long line, byte[] key, byte[] value, long nextPosition,
                           String malformedReason, String raw) {

    public boolean malformed() {
        return malformedReason != null;
    }
}
