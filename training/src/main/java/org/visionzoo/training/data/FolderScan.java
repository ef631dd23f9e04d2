package org.visionzoo.training.data;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The classes and image files of a folder with one sub-folder per class, as {@link ImageFolder}
 * describes them: class folders sorted by name, each searched depth first (names sorted, a
 * folder's own files before its sub-folders'), files with one of {@link ImageFolder#EXTENSIONS},
 * hidden entries ignored, symbolic links followed only inside their class folder.
 *
 * @param classNames the class names, sorted
 * @param files each class's image files, in order
 */
record FolderScan(List<String> classNames, List<List<Path>> files) {

    private static final System.Logger LOG = System.getLogger(ImageFolder.class.getName());

    /**
     * Scans a folder with one sub-folder per class.
     *
     * @param root the folder
     * @return the class names, sorted, and each class's image files, in order
     * @throws DatasetException if {@code root} is not a folder, has no class folder, or a class
     *     folder has no image file
     * @throws IOException if listing a folder fails
     */
    static FolderScan scan(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        if (!Files.isDirectory(root)) {
            throw new DatasetException(
                    root,
                    Files.exists(root)
                            ? "expected a folder with one sub-folder per class, found a file"
                            : "expected a folder with one sub-folder per class, found no such"
                                    + " folder");
        }
        List<Path> classDirs = new ArrayList<>();
        int looseImages = 0;
        for (Path entry : sortedEntries(root)) {
            if (Files.isDirectory(entry)) {
                classDirs.add(entry);
            } else if (isImageFile(entry)) {
                looseImages++;
            }
        }
        if (classDirs.isEmpty()) {
            throw new DatasetException(
                    root,
                    "expected one sub-folder per class, found none"
                            + (looseImages > 0
                                    ? " (but " + looseImages + " image files directly in it)"
                                    : ""));
        }
        List<String> classNames = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images = new ArrayList<>();
            collect(dir.toRealPath(), dir, images, new HashSet<>());
            if (images.isEmpty()) {
                throw new DatasetException(
                        dir,
                        "expected at least one image file ("
                                + String.join(", ", ImageFolder.EXTENSIONS)
                                + ") in this class folder, found none");
            }
            classNames.add(dir.getFileName().toString());
            files.add(images);
        }
        return new FolderScan(List.copyOf(classNames), files);
    }

    /**
     * Adds the image files under {@code dir}: its own first, then each sub-folder's. A symbolic
     * link is followed only if it stays inside the class folder ({@code classRoot}, resolved): a
     * link out of it (to the root, another class, elsewhere) would file images under the wrong
     * label, and is skipped with a warning.
     */
    private static void collect(Path classRoot, Path dir, List<Path> out, Set<Path> visited) throws IOException {
        if (!visited.add(dir.toRealPath())) {
            return;
        }
        List<Path> subDirs = new ArrayList<>();
        for (Path entry : sortedEntries(dir)) {
            if (Files.isSymbolicLink(entry) && !insideClass(classRoot, entry)) {
                LOG.log(Level.WARNING, "{0}: a symbolic link out of its class folder {1}; skipping it", entry, classRoot);
                continue;
            }
            if (Files.isDirectory(entry)) {
                subDirs.add(entry);
            } else if (isImageFile(entry)) {
                out.add(entry);
            }
        }
        for (Path sub : subDirs) {
            collect(classRoot, sub, out, visited);
        }
    }

    private static boolean insideClass(Path classRoot, Path link) {
        try {
            return link.toRealPath().startsWith(classRoot);
        } catch (IOException e) {
            return false; // a dangling link
        }
    }

    /** The entries of a folder that are not hidden, sorted by name. */
    private static List<Path> sortedEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                if (!entry.getFileName().toString().startsWith(".") && !Files.isHidden(entry)) {
                    entries.add(entry);
                }
            }
        }
        entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return entries;
    }

    private static boolean isImageFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && ImageFolder.EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
