package org.visionzoo.examples;

import ai.djl.ndarray.NDManager;

import org.visionzoo.core.pretrained.Pretrained;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.resnet.ResNet;
import org.visionzoo.resnet.ResNetVariant;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.data.ImageFolder;
import org.visionzoo.training.loop.EvalResult;
import org.visionzoo.training.loop.Trainer;
import org.visionzoo.training.optim.AdamW;
import org.visionzoo.training.optim.Schedules;
import org.visionzoo.training.transform.EvalPreset;
import org.visionzoo.training.transform.Normalize;
import org.visionzoo.training.transform.RandomHorizontalFlip;
import org.visionzoo.training.transform.RandomResizedCrop;
import org.visionzoo.training.transform.Transforms;

import java.nio.file.Path;

/**
 * Fine-tunes an ImageNet ResNet-18 on an image folder: torchvision's weights imported from
 * safetensors, a new head for the folder's classes, one phase with the backbone frozen (only the
 * head learns), then one with everything unfrozen at a lower learning rate.
 *
 * <pre>
 * ./zoo example fine-tune FOLDER RESNET18.safetensors OUT_DIR [IMAGE_SIZE] [EPOCHS_PER_PHASE]
 * ./zoo example fine-tune FOLDER pretrained OUT_DIR ...    # torchvision's weights from the cache or download
 * </pre>
 *
 * <p>FOLDER holds one sub-folder per class, or {@code train/} and {@code val/} with one each; the
 * weights come from {@code torchvision.models.resnet18(weights="IMAGENET1K_V1")} saved with
 * {@code safetensors.torch.save_file(model.state_dict(), "resnet18.safetensors")}.
 */
public final class FineTuneFolder {

    private FineTuneFolder() {}

    /**
     * Runs the example.
     *
     * @param args the folder, the weights, the run directory, then optionally the image size
     *     (default 224) and the epochs of each phase (default 1)
     * @throws Exception if a file is missing or does not fit
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.of(args, 3, "fine-tune FOLDER RESNET18.safetensors OUT_DIR [IMAGE_SIZE] [EPOCHS_PER_PHASE]");
        if (a == null) {
            return;
        }
        Path folder = a.path(0);
        // "pretrained": torchvision's IMAGENET1K_V1, downloaded on first use into the cache (checksummed)
        Path weights = a.get(1).equals("pretrained") ? Pretrained.standard().fetch("resnet18", "IMAGENET1K_V1")
                : a.path(1);
        Path out = a.path(2);
        int size = a.intOr(3, 224);
        int epochs = a.intOr(4, 1);

        ImageFolder.Splits data = ImageFolder.splits(folder, 0.2, 1, ImageFolder.Options.defaults());
        int classes = data.train().numClasses();
        System.out.printf("%s: %d classes %s, %d train / %d val images%n", folder, classes,
                data.train().classNames(), data.train().size(), data.val().size());

        try (NDManager manager = NDManager.newBaseManager();
                DataLoader train = DataLoader.builder(data.train()).batchSize(16).shuffle(true).seed(1)
                        .transform(Transforms.compose(new RandomResizedCrop(size), new RandomHorizontalFlip(0.5),
                                Normalize.IMAGENET))
                        .build();
                DataLoader val = DataLoader.builder(data.val()).batchSize(32)
                        .transform(EvalPreset.forModel("resnet18", size, Normalize.IMAGENET)) // resize, crop, normalise
                        .build()) {
            // torchvision's ResNet-18 with its 1000-class head, so that its weights load strictly
            ResNet model = ResNetVariant.RESNET18.builder().build();
            model.initialize(manager, size);
            LoadReport report = Weights.load(model, weights, LoadOptions.strict());
            System.out.println("imported " + report.loaded().size() + " tensors from " + weights);
            model.replaceHead(classes); // a fresh fc for the folder's classes

            // Phase 1: only the head learns.
            model.freezeBackbone(true);
            phase("head only", model, train, val, 1e-3f, 0f, epochs, 1, out.resolve("head"));

            // Phase 2: everything learns, ten times slower.
            model.freezeBackbone(false);
            phase("whole network", model, train, val, 1e-4f, 0.05f, epochs, 2, out.resolve("all"));
            Weights.save(model, out.resolve("resnet18-finetuned.safetensors"));
            System.out.println("wrote " + out.resolve("resnet18-finetuned.safetensors"));
        }
    }

    /**
     * One phase: AdamW with a cosine schedule from {@code lr} over {@code epochs}, then the
     * validation top-1, printed after {@code name}.
     */
    private static void phase(String name, ResNet model, DataLoader train, DataLoader val, float lr,
            float weightDecay, int epochs, long seed, Path dir) {
        try (Trainer trainer = Trainer.builder(model)
                .optimizer(groups -> AdamW.builder().build(groups))
                .weightDecay(weightDecay)
                .schedule((perEpoch, total) -> Schedules.warmupCosine(lr, 0, total))
                .epochs(epochs).seed(seed).runDirectory(dir).build()) {
            EvalResult r = trainer.fit(train, val).lastValidation();
            System.out.printf("%s: val top-1 %.2f%%%n", name, 100 * r.top1());
        }
    }
}
