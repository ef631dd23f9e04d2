package org.visionzoo.examples.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import org.visionzoo.core.io.AtomicFile;
import org.visionzoo.training.transform.Normalize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code model.json}, written next to a run's {@code model.safetensors}: what {@code zoo eval} and
 * {@code zoo predict} need to rebuild the model and its evaluation transform.
 */
record RunInfo(
        String model,
        int numClasses,
        int inChannels,
        int imageSize,
        int nativeSize,
        float[] mean,
        float[] std,
        List<String> labels,
        String dataset) {

    static final String FILE = "model.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    Normalize normalize() {
        return new Normalize(mean, std);
    }

    /** Writes the file atomically. */
    void write(Path dir) throws IOException {
        AtomicFile.write(dir.resolve(FILE), (GSON.toJson(this) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the {@code model.json} next to a weights file, or null if there is none. */
    static RunInfo besides(Path weights) throws IOException {
        Path parent = weights.toAbsolutePath().getParent();
        Path file = parent == null ? null : parent.resolve(FILE);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            RunInfo info = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), RunInfo.class);
            if (info == null || info.model() == null || info.numClasses() < 1 || info.inChannels() < 1
                    || info.imageSize() < 1 || info.mean() == null || info.std() == null) {
                throw new IOException(file + ": incomplete run description (expected model, numClasses,"
                        + " inChannels, imageSize, mean, std)");
            }
            return info;
        } catch (JsonParseException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }
}
