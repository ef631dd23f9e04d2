package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.Mixup;
import org.visionzoo.training.transform.RandomCrop;
import org.visionzoo.training.transform.RandomHorizontalFlip;
import org.visionzoo.training.transform.Transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

class DataLoaderTest {

    private static ImageDataset data(int n, int size) {
        byte[] pixels = new byte[n * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < size * size; p++) {
                pixels[i * size * size + p] = (byte) (i * 7 + p * 13);
            }
        }
        return ImageDataset.of("test", 1, size, size, ImageDataset.Layout.CHW, pixels, labels,
                List.of("a", "b", "c"));
    }

    private static List<Batch> read(DataLoader loader, int epoch) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            out.add(b);
        }
        return out;
    }

    private static DataLoader augmenting(LabeledImages d, int workers, long seed) {
        return DataLoader.builder(d).batchSize(16).shuffle(true).seed(seed).workers(workers)
                .transform(Transforms.compose(new RandomCrop(8, 2, 0f), new RandomHorizontalFlip(0.5)))
                .batchTransform(new Mixup(0.4, 3)).build();
    }

    @Test
    void batchesDependOnTheSeedAndEpochButNotOnTheWorkers() {
        ImageDataset d = data(70, 8);
        List<List<Batch>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 1, 3}) {
            try (DataLoader l = augmenting(d, workers, 9)) {
                runs.add(read(l, 1));
            }
        }
        for (List<Batch> run : runs.subList(1, runs.size())) {
            assertThat(run).hasSameSizeAs(runs.get(0));
            for (int i = 0; i < run.size(); i++) {
                assertThat(run.get(i).images()).containsExactly(runs.get(0).get(i).images());
                assertThat(run.get(i).labels()).containsExactly(runs.get(0).get(i).labels());
                assertThat(run.get(i).softTargets()).containsExactly(runs.get(0).get(i).softTargets());
            }
        }
        try (DataLoader l = augmenting(d, 2, 9)) {
            assertThat(read(l, 2).get(0).images()).isNotEqualTo(runs.get(0).get(0).images());
        }
        try (DataLoader l = augmenting(d, 2, 10)) {
            assertThat(read(l, 1).get(0).images()).isNotEqualTo(runs.get(0).get(0).images());
        }
    }

    @Test
    void anEpochVisitsEveryImageOnceInBatchesOfTheRightSize() {
        ImageDataset d = data(70, 8);
        try (DataLoader l = DataLoader.builder(d).batchSize(16).shuffle(true).seed(1).workers(2).build()) {
            assertThat(l.batchesPerEpoch()).isEqualTo(5);
            int[] order = l.order(0);
            assertThat(IntStream.of(order).sorted().toArray()).isEqualTo(IntStream.range(0, 70).toArray());
            assertThat(order).isNotEqualTo(IntStream.range(0, 70).toArray());
            assertThat(l.order(1)).isNotEqualTo(order);
            List<Batch> batches = read(l, 0);
            assertThat(batches).extracting(Batch::size).containsExactly(16, 16, 16, 16, 6);
            assertThat(batches).extracting(Batch::index).containsExactly(0, 1, 2, 3, 4);
            for (int i = 0; i < 70; i++) {
                Batch b = batches.get(i / 16);
                int at = i % 16;
                assertThat(b.labels()[at]).isEqualTo(d.label(order[i]));
                float[] expected = d.load(order[i]).data();
                assertThat(Arrays.copyOfRange(b.images(), at * 64, at * 64 + 64)).containsExactly(expected);
            }
        }
        try (DataLoader l = DataLoader.builder(d).batchSize(16).dropLast(true).build()) {
            assertThat(l.batchesPerEpoch()).isEqualTo(4);
            assertThat(l.imagesPerEpoch()).isEqualTo(64);
            assertThat(read(l, 0)).extracting(Batch::size).containsOnly(16);
            assertThat(l.order(0)).isEqualTo(IntStream.range(0, 70).toArray());
        }
    }

    @Test
    void aReadErrorNamesTheFileAndStopsTheEpoch() {
        ImageDataset d = data(40, 8);
        LabeledImages broken = new Delegate(d) {
            @Override
            public Image load(int index) throws IOException {
                if (index == 33) {
                    throw new DatasetException(Path.of("/data/cats/33.png"), "could not be decoded as an image");
                }
                return d.load(index);
            }
        };
        for (int workers : new int[] {0, 2}) {
            try (DataLoader l = DataLoader.builder(broken).batchSize(8).workers(workers).build()) {
                assertThatThrownBy(() -> read(l, 0))
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("/data/cats/33.png")
                        .hasCauseInstanceOf(DatasetException.class);
            }
        }
    }

    @Test
    void imagesOfDifferentSizesAreRefusedWithAHint() {
        ImageDataset d = data(10, 8);
        try (DataLoader l = DataLoader.builder(d).batchSize(4).workers(0)
                .transform((img, rng) -> img.width() == 8 && rng.nextBoolean() ? Image.zeros(1, 5, 5) : img)
                .seed(3).build()) {
            assertThatThrownBy(() -> read(l, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("add a Resize");
        }
    }

    @Test
    void invalidOptionsAreRefused() {
        ImageDataset d = data(10, 8);
        assertThatThrownBy(() -> DataLoader.builder(d).batchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> DataLoader.builder(d).workers(-1)).hasMessageContaining("workers");
        assertThatThrownBy(() -> DataLoader.builder(d).batchSize(11).dropLast(true).build())
                .hasMessageContaining("fewer than one batch");
        try (DataLoader l = DataLoader.builder(d).build()) {
            DataLoader.Epoch e = l.epoch(0);
            e.iterator();
            assertThatThrownBy(e::iterator).hasMessageContaining("only once");
        }
    }

    @Test
    void closingStopsTheWorkerThreads() throws InterruptedException {
        ImageDataset d = data(200, 8);
        DataLoader l = DataLoader.builder(d).batchSize(4).workers(3).prefetch(2).build();
        DataLoader.Epoch e = l.epoch(0);
        e.iterator().next();
        e.close();
        l.close();
        for (int i = 0; i < 50 && loaderThreads() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(loaderThreads()).isZero();
        assertThatThrownBy(() -> l.epoch(1)).hasMessageContaining("closed");
    }

    private static long loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("visionzoo-loader-") && t.isAlive()).count();
    }

    private static class Delegate implements LabeledImages {
        private final LabeledImages d;

        Delegate(LabeledImages d) {
            this.d = d;
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override
        public int size() {
            return d.size();
        }

        @Override
        public int channels() {
            return d.channels();
        }

        @Override
        public int label(int index) {
            return d.label(index);
        }

        @Override
        public List<String> classNames() {
            return d.classNames();
        }

        @Override
        public Image load(int index) throws IOException {
            return d.load(index);
        }
    }
}
