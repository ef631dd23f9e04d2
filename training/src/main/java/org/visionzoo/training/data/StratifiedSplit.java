package org.visionzoo.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Seeded, per-class (stratified) splits of a dataset into training and validation parts, so each
 * class keeps its share in both.
 */
public final class StratifiedSplit {

    private StratifiedSplit() {}

    /**
     * An image folder's split, as {@link ImageFolder#splits} documents it: its {@code train/} and
     * {@code val/} (or {@code test/}) sub-folders when it has them, else each class's files
     * shuffled by a generator seeded from {@code seed} and the class name, {@code round(n *
     * valFraction)} of them (at most {@code n - 1}) for validation, both parts in file order.
     */
    static ImageFolder.Splits folder(Path root, double valFraction, long seed, ImageFolder.Options options)
            throws IOException {
        String rootName = String.valueOf(root.getFileName());
        Path trainDir = root.resolve("train");
        if (Files.isDirectory(trainDir)) {
            for (String valName : ImageFolder.VAL_FOLDERS) {
                Path valDir = root.resolve(valName);
                if (Files.isDirectory(valDir)) {
                    FolderScan train = FolderScan.scan(trainDir);
                    FolderScan val = FolderScan.scan(valDir);
                    if (!train.classNames().equals(val.classNames())) {
                        throw new DatasetException(
                                root,
                                "expected "
                                        + valName
                                        + "/ to have the same class folders as train/, found "
                                        + train.classNames()
                                        + " in train/ and "
                                        + val.classNames()
                                        + " in "
                                        + valName
                                        + "/");
                    }
                    return new ImageFolder.Splits(
                            ImageFolder.create(rootName + "/train", trainDir, train.classNames(), train.files(),
                                    options),
                            ImageFolder.create(rootName + "/" + valName, valDir, val.classNames(), val.files(),
                                    options));
                }
            }
        }
        FolderScan all = FolderScan.scan(root);
        List<List<Path>> trainFiles = new ArrayList<>();
        List<List<Path>> valFiles = new ArrayList<>();
        int valCount = 0;
        for (int c = 0; c < all.classNames().size(); c++) {
            List<Path> files = all.files().get(c);
            int n = files.size();
            int nVal = (int) Math.min(n - 1, Math.round(n * valFraction));
            int[] order = shuffled(n, seed, all.classNames().get(c));
            boolean[] isVal = new boolean[n];
            for (int k = 0; k < nVal; k++) {
                isVal[order[k]] = true;
            }
            List<Path> t = new ArrayList<>();
            List<Path> v = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                (isVal[k] ? v : t).add(files.get(k));
            }
            trainFiles.add(t);
            valFiles.add(v);
            valCount += nVal;
        }
        if (valCount == 0) {
            throw new DatasetException(
                    root,
                    "expected valFraction "
                            + valFraction
                            + " to give at least one validation image, found none (every class has"
                            + " too few images)");
        }
        return new ImageFolder.Splits(
                ImageFolder.create(rootName + "/train", root, all.classNames(), trainFiles, options),
                ImageFolder.create(rootName + "/val", root, all.classNames(), valFiles, options));
    }

    /** A permutation of {@code 0..n-1}, by Fisher-Yates with {@link Random} (fully specified). */
    private static int[] shuffled(int n, long seed, String className) {
        return Permutation.shuffled(n, new Random(seed ^ (0x9E3779B97F4A7C15L * (className.hashCode() + 1L))));
    }

    /**
     * A seeded, per-class split of any dataset: each class's indices are shuffled (by a {@link
     * Random} seeded from a {@link SplittableRandom} of {@code seed}, one per class in label order)
     * and the first {@code round(n * fraction)} of them (at most {@code n - 1}, so each class keeps
     * a training image) are the validation part. Both parts keep the dataset's order.
     *
     * @param all the dataset
     * @param fraction the part of each class for validation, in {@code (0, 1)}
     * @param seed the seed
     * @param validation whether to return the validation part, else the rest
     * @return the part, named {@code <name>[val <fraction>]} or {@code <name>[train <fraction>]}
     * @throws IllegalArgumentException if {@code fraction} is not in {@code (0, 1)}
     */
    public static LabeledImages heldOut(LabeledImages all, double fraction, long seed, boolean validation) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
        }
        int k = all.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            byClass.get(all.label(i)).add(i);
        }
        List<Integer> picked = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, new Random(rng.nextLong()));
            int nVal = (int) Math.min(members.size() - (members.isEmpty() ? 0 : 1), Math.round(members.size() * fraction));
            picked.addAll(validation ? members.subList(0, nVal) : members.subList(nVal, members.size()));
        }
        Collections.sort(picked);
        return all.subset(picked.stream().mapToInt(Integer::intValue).toArray(),
                all.name() + (validation ? "[val " : "[train ") + fraction + "]");
    }
}
