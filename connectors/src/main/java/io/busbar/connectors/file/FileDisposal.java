package io.busbar.connectors.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a file goes once the source is finished with it: to the done folder (or deleted) when all its records
 * are durable, to the error folder with a {@code <name>.reason} file beside it when it cannot be parsed. Folders
 * are relative to the file's own folder unless absolute, as Camel's {@code move}/{@code moveFailed}; they start
 * with a dot by default, so Camel's file consumer (which skips hidden files and folders) never picks them up.
 * A marker file ({@code doneFileName}, Camel's tokens {@code ${file:name}} and {@code ${file:name.noext}}) is
 * deleted with its file. Stateless after configuration; thread-safe.
 */
public class FileDisposal {

    private String doneDirectory = ".done";
    private String errorDirectory = ".error";
    private boolean deleteDone;
    private String doneFileName;

    /** Moves (or deletes) a fully ingested file; returns where it went. */
    String done(Path file) throws IOException {
        deleteMarker(file);
        if (deleteDone) {
            Files.deleteIfExists(file);
            return "deleted";
        }
        return moveInto(file, doneDirectory).toString();
    }

    /** Moves a file that could not be parsed to the error folder and writes the reason beside it; returns where. */
    String failed(Path file, String reason) throws IOException {
        deleteMarker(file);
        Path target = moveInto(file, errorDirectory);
        Path reasonFile = target.resolveSibling(target.getFileName() + ".reason");
        Files.writeString(reasonFile, reason + System.lineSeparator(), StandardCharsets.UTF_8);
        return target.toString();
    }

    private static Path moveInto(Path file, String directory) throws IOException {
        Path folder = file.getParent().resolve(directory);
        Files.createDirectories(folder);
        Path target = folder.resolve(file.getFileName());
        try {
            return Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            return Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void deleteMarker(Path file) throws IOException {
        if (doneFileName == null) {
            return;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String noExt = dot > 0 ? name.substring(0, dot) : name;
        String marker = doneFileName.replace("${file:name.noext}", noExt).replace("${file:name}", name);
        Files.deleteIfExists(file.resolveSibling(marker));
    }

    public String getDoneDirectory() { return doneDirectory; }
    public void setDoneDirectory(String doneDirectory) { this.doneDirectory = doneDirectory; }
    public String getErrorDirectory() { return errorDirectory; }
    public void setErrorDirectory(String errorDirectory) { this.errorDirectory = errorDirectory; }
    public boolean isDeleteDone() { return deleteDone; }
    public void setDeleteDone(boolean deleteDone) { this.deleteDone = deleteDone; }
    public String getDoneFileName() { return doneFileName; }
    public void setDoneFileName(String doneFileName) { this.doneFileName = doneFileName == null || doneFileName.isBlank() ? null : doneFileName; }
}
