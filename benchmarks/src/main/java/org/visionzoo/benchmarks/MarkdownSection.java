package org.visionzoo.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated section of a hand-edited Markdown file, between two marker comments:
 *
 * <pre>
 * &lt;!-- BEGIN GENERATED: name (...) --&gt;
 * ...replaced on every run...
 * &lt;!-- END GENERATED: name --&gt;
 * </pre>
 *
 * <p>Everything outside the markers is kept as it is.
 */
public final class MarkdownSection {

    private MarkdownSection() {}

    /**
     * The opening marker of a section.
     *
     * @param name the section's name
     * @return the marker line
     */
    public static String begin(String name) {
        return "<!-- BEGIN GENERATED: " + name + " (written by a command: edit outside these markers) -->";
    }

    /**
     * The closing marker of a section.
     *
     * @param name the section's name
     * @return the marker line
     */
    public static String end(String name) {
        return "<!-- END GENERATED: " + name + " -->";
    }

    /**
     * Replaces a section's content, or appends the section where the document has none.
     *
     * @param doc the document
     * @param name the section's name
     * @param content the new content (without the markers)
     * @return the new document
     * @throws IllegalArgumentException if the opening marker has no closing one after it
     */
    public static String replace(String doc, String name, String content) {
        String prefix = "<!-- BEGIN GENERATED: " + name + " ";
        String endMarker = end(name);
        String body = content.endsWith("\n") ? content : content + "\n";
        String section = begin(name) + "\n" + body + endMarker;
        int b = doc.indexOf(prefix);
        if (b < 0) {
            String sep = doc.isEmpty() || doc.endsWith("\n\n") ? "" : doc.endsWith("\n") ? "\n" : "\n\n";
            return doc + sep + section + "\n";
        }
        int e = doc.indexOf(endMarker, b);
        if (e < 0) {
            throw new IllegalArgumentException("the document has '" + prefix.trim() + "' but no '" + endMarker + "'");
        }
        return doc.substring(0, b) + section + doc.substring(e + endMarker.length());
    }

    /**
     * Writes a section into a file, creating the file with {@code header} first where it does not
     * exist.
     *
     * @param file the Markdown file
     * @param name the section's name
     * @param header the text of a new file, before the section
     * @param content the section's content
     * @throws IOException if the file cannot be read or written
     */
    public static void write(Path file, String name, String header, String content) throws IOException {
        String doc = Files.exists(file) ? Files.readString(file) : header;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, replace(doc, name, content));
    }
}
