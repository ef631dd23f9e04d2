"""torch.onnx's export of a registered model, for the ONNX Runtime column of docs/benchmarks.md.

Builds the model the way bench.py does (torchref.build_model: torchvision's builders with random
weights), puts it in eval mode and writes torch.onnx.export's graph with a dynamic batch axis, so
that ONNX Runtime can run the same architecture from PyTorch's exporter and from VisionZoo's.
Needs Debian's python3-torchvision and python3-onnx (torch.onnx imports onnx).

    /usr/bin/python3 benchmarks/python/export_onnx.py --model resnet50 --out resnet50-torch.onnx
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "src", "test",
                                "resources", "org", "visionzoo", "core", "testing"))

import torch  # noqa: E402
import torchref  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description="torch.onnx export of a model built like bench.py's")
    p.add_argument("--model", required=True)
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    torch.manual_seed(0)
    model = torchref.build_model(a.model).eval()
    x = torch.randn(1, 3, a.image_size, a.image_size)
    with torch.no_grad():
        torch.onnx.export(model, x, a.out, opset_version=a.opset, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=True)
    print(a.out)


if __name__ == "__main__":
    main()
