"""Reference for EvalTransformTest: torchvision's ImageClassification preset on its PIL path.

Usage: eval_transform_ref.py OUT_DIR CASE...   with CASE = image_path:resize:crop:interpolation[:box]
box = left,top,right,bottom crops the decoded image first (for small and odd-sized inputs).
Writes OUT_DIR/in_<i>.npy (the decoded pixels / 255, float32 CHW) and OUT_DIR/out_<i>.npy
(the preset's output, float32 CHW).
"""
import sys

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms._presets import ImageClassification

out = sys.argv[1]
for i, case in enumerate(sys.argv[2:]):
    parts = case.split(":")
    path, resize, crop, interp = parts[0], int(parts[1]), int(parts[2]), parts[3]
    img = Image.open(path).convert("RGB")
    if len(parts) > 4:
        img = img.crop(tuple(int(v) for v in parts[4].split(",")))
    pixels = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
    np.save(f"{out}/in_{i}.npy", np.ascontiguousarray(pixels, dtype=np.float32))
    preset = ImageClassification(crop_size=crop, resize_size=resize, interpolation=InterpolationMode(interp))
    with torch.no_grad():
        y = preset(img)
    np.save(f"{out}/out_{i}.npy", y.numpy().astype(np.float32))
