package org.visionzoo.examples;

import ai.djl.ndarray.NDManager;

import org.visionzoo.core.weights.Weights;
import org.visionzoo.resnet.CifarResNet;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.LabeledImages;
import org.visionzoo.training.data.MnistFamily;
import org.visionzoo.training.data.Split;
import org.visionzoo.training.loop.FitResult;
import org.visionzoo.training.loop.RunMetadata;
import org.visionzoo.training.loop.Trainer;
import org.visionzoo.training.optim.Schedules;
import org.visionzoo.training.optim.Sgd;
import org.visionzoo.training.transform.Normalize;
import org.visionzoo.training.transform.RandomCrop;
import org.visionzoo.training.transform.RandomHorizontalFlip;
import org.visionzoo.training.transform.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains ResNet-20 on Fashion-MNIST from code: the data, the augmentation, the loop and the
 * export, with no command-line layer in between.
 *
 * <pre>
 * ./zoo example train-fashion-mnist OUT_DIR [EPOCHS] [TRAIN_IMAGES]
 * </pre>
 */
public final class TrainFashionMnist {

    private TrainFashionMnist() {}

    /**
     * Runs the example.
     *
     * @param args the run directory, then optionally the epochs (default 1) and how many training
     *     images to use (default all 60,000)
     * @throws Exception if the data is missing or training fails
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.of(args, 1, "train-fashion-mnist OUT_DIR [EPOCHS] [TRAIN_IMAGES]");
        if (a == null) {
            return;
        }
        Path out = a.path(0);
        int epochs = a.intOr(1, 1);
        long seed = 5;

        // 1. Data: found where Debian's dataset-fashion-mnist installs it, or in ~/.visionzoo/data.
        Path dir = DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source());
        ImageDataset trainSet = MnistFamily.FASHION_MNIST.load(dir, Split.TRAIN);
        ImageDataset testSet = MnistFamily.FASHION_MNIST.load(dir, Split.TEST);
        LabeledImages train = trainSet.first(a.intOr(2, trainSet.size()));

        // 2. Input pipelines: augmentation on two background threads, deterministic for the seed.
        try (NDManager manager = NDManager.newBaseManager();
                DataLoader trainLoader = DataLoader.builder(train).batchSize(128).shuffle(true).seed(seed)
                        .transform(Transforms.compose(new RandomCrop(28, 2, 0f), new RandomHorizontalFlip(0.5),
                                Normalize.FASHION_MNIST))
                        .workers(2).build();
                DataLoader testLoader = DataLoader.builder(testSet).batchSize(256)
                        .transform(Normalize.FASHION_MNIST).workers(2).build()) {

            // 3. The model: a CIFAR ResNet-20 with one input channel, initialised for 28x28 input.
            CifarResNet model = CifarResNet.builder().depth(20).inChannels(1).numClasses(10).build();
            model.initialize(manager, 28);

            // 4. The loop: SGD with Nesterov momentum, weight decay (not on BN and biases), cosine.
            try (Trainer trainer = Trainer.builder(model)
                    .optimizer(groups -> Sgd.builder().momentum(0.9f).nesterov(true).build(groups))
                    .weightDecay(5e-4f)
                    .schedule((perEpoch, total) -> Schedules.warmupCosine(0.1f, 0, total))
                    .epochs(epochs)
                    .seed(seed)
                    .runDirectory(out)
                    // recorded in the checkpoint: what Classify needs to rebuild the model
                    .metadata(new RunMetadata("resnet20", "fashion-mnist", 10, 1, 28, Map.of()))
                    .progress(System.console() != null, System.err)
                    .build()) {
                FitResult result = trainer.fit(trainLoader, testLoader);
                System.out.printf("test top-1 after %d epoch(s): %.2f%%%n", result.last().epoch(),
                        100 * result.last().valTop1());
            }

            // 5. Weights with torchvision-style keys (for Classify, zoo eval or PyTorch), and labels.
            Weights.save(model, out.resolve("model.safetensors"));
            Files.write(out.resolve("labels.txt"), trainSet.classNames());
            System.out.println("wrote " + out.resolve("model.safetensors") + " and the checkpoint, "
                    + "metrics.jsonl and plots in " + out);
        }
    }
}
