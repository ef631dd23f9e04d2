"""Reference for ZooPretrainedTest: a seeded random resnet18's top-5 on a photograph, torchvision's way.

Usage: pretrained_ref.py TORCHREF_PY OUT_DIR IMAGE
Writes OUT_DIR/resnet18.safetensors (the state_dict, with torchref's writer) and OUT_DIR/top5.json
({"index": [...], "prob": [...]}) for IMAGE through ImageClassification(crop 224, resize 256, bilinear)
on the PIL path, as ResNet18_Weights.IMAGENET1K_V1.transforms() does.
"""
import importlib.util
import json
import sys

import torch
import torchvision
from PIL import Image
from torchvision.transforms._presets import ImageClassification

spec = importlib.util.spec_from_file_location("torchref", sys.argv[1])
torchref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(torchref)
out, image = sys.argv[2], sys.argv[3]

torch.manual_seed(0)
model = torchvision.models.resnet18().eval()
torchref.write_safetensors(f"{out}/resnet18.safetensors", model.state_dict())
preset = torchvision.models.ResNet18_Weights.IMAGENET1K_V1.transforms()
assert isinstance(preset, ImageClassification)
x = preset(Image.open(image).convert("RGB")).unsqueeze(0)
with torch.no_grad():
    p = torch.softmax(model(x), 1)[0]
top = torch.topk(p, 5)
with open(f"{out}/top5.json", "w") as f:
    json.dump({"index": top.indices.tolist(), "prob": top.values.tolist()}, f)
