#!/usr/bin/python3
"""Generates VisionZoo's catalogue of torchvision's ImageNet weights from the installed torchvision.

Reads the `Weights` enums of the four families VisionZoo builds (ResNet/ResNeXt/Wide ResNet,
DenseNet, MobileNet V2/V3, EfficientNet/V2) and writes one JSON document: per model its weights
entries (tag, URL, the SHA-256 prefix of the file name, ImageNet acc@1/acc@5, parameter count,
recipe, the eval transform of `weights.transforms()`), which entry is the model's default, and the
category names, stored once.

Usage (Debian's python3-torchvision 0.14):
    /usr/bin/python3 core/src/main/python/gen_weights_catalogue.py \
        > core/src/main/resources/org/visionzoo/core/pretrained/torchvision-weights.json

The test WeightsCatalogueTest runs this script and compares its output with the committed file.
Nothing is downloaded: only the enums' metadata is read.
"""

import inspect
import json
import re
import sys
import typing

import torchvision
import torchvision.models as models
from torchvision.transforms import InterpolationMode

# VisionZoo's registry names of the torchvision models that have ImageNet weights, in the
# registry's order; each builder's `weights` parameter names its enum.
MODELS = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2",
    "densenet121", "densenet161", "densenet169", "densenet201",
    "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
    "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
]

# torch.hub's rule for the digest prefix in a file name (torch.hub.HASH_REGEX).
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")


def weights_enum(name):
    """The Weights enum a builder takes, from its signature's annotation."""
    builder = getattr(models, name)
    annotation = inspect.signature(builder).parameters["weights"].annotation
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and arg.__name__.endswith("_Weights"):
            return arg
    raise SystemExit(f"{name}: no Weights enum in the annotation {annotation!r}")


def transform(weights):
    preset = weights.transforms()
    interpolation = preset.interpolation
    if interpolation not in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC):
        raise SystemExit(f"{weights}: unsupported interpolation {interpolation}")
    (resize,) = preset.resize_size
    (crop,) = preset.crop_size
    return {
        "resize_size": resize,
        "crop_size": crop,
        "interpolation": interpolation.value,
        "mean": list(preset.mean),
        "std": list(preset.std),
        # torchvision 0.14's ImageClassification has no antialias option: its PIL path (which the
        # published accuracies come from) always antialiases when downscaling
        "antialias": bool(getattr(preset, "antialias", True)),
    }


def main():
    categories = None
    out_models = []
    count = 0
    for name in MODELS:
        enum = weights_enum(name)
        entries = []
        for tag, weights in enum.__members__.items():
            if tag == "DEFAULT" or weights.name != tag:
                continue  # DEFAULT is an alias of one of the others
            meta = weights.meta
            if categories is None:
                categories = list(meta["categories"])
            elif list(meta["categories"]) != categories:
                raise SystemExit(f"{enum.__name__}.{tag}: other category names than the first entry's")
            file = weights.url.rsplit("/", 1)[1]
            match = HASH_REGEX.search(file)
            if match is None or len(match.group(1)) < 8:
                raise SystemExit(f"{weights.url}: no SHA-256 prefix in the file name")
            metrics = meta["_metrics"]["ImageNet-1K"]
            entries.append({
                "tag": tag,
                "url": weights.url,
                "file": file,
                "sha256_prefix": match.group(1),
                "acc1": metrics["acc@1"],
                "acc5": metrics["acc@5"],
                "num_params": meta["num_params"],
                "min_size": list(meta["min_size"]),
                "recipe": meta["recipe"],
                "categories": "imagenet1k",
                "transform": transform(weights),
            })
            count += 1
        out_models.append({
            "model": name,
            "enum": enum.__name__,
            "default": enum.DEFAULT.name,
            "weights": entries,
        })
    doc = {
        "source": "torchvision " + torchvision.__version__.split("a")[0].split("+")[0],
        "generator": "core/src/main/python/gen_weights_catalogue.py",
        "entries": count,
        "models": out_models,
        "categories": {"imagenet1k": categories},
    }
    sys.stdout.write(json.dumps(doc, indent=1, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
