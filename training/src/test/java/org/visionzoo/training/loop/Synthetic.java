package org.visionzoo.training.loop;

import org.visionzoo.training.data.ImageDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small synthetic datasets whose classes a pooled conv net can learn: the pixels of class k are
 * noise around a brightness level that grows with k.
 */
final class Synthetic {

    private Synthetic() {}

    static ImageDataset bands(String name, int n, int channels, int size, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] pixels = new byte[n * channels * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(classes);
            labels[i] = label;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int v = label * 170 / Math.max(1, classes - 1) + rng.nextInt(86);
                        pixels[((i * channels + c) * size + y) * size + x] = (byte) v;
                    }
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add("band" + k);
        }
        return ImageDataset.of(name, channels, size, size, ImageDataset.Layout.CHW, pixels, labels, names);
    }
}
