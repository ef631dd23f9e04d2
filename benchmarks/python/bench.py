#!/usr/bin/python3
"""bench.py -- the PyTorch eager side of VisionZoo's benchmarks (see ../README.md).

Measures the same workload as org.visionzoo.benchmarks.Bench, the way an eager PyTorch user
would run it, and prints the same keys:

  eval   model.eval(); under torch.no_grad(): out = model(x)
  train  model.train(); opt.zero_grad(); loss = CrossEntropyLoss()(model(x), y);
         loss.backward(); opt.step()   with SGD(lr=0.01, momentum=0.9), no weight decay

Inputs: (batch, 3, S, S) standard normal, labels uniform in [0, classes), drawn once. Models are
built by torchref.build_model (torchvision's builders, plus the CIFAR ResNets), with their default
class count (1000, or 10 for the CIFAR ResNets and DenseNet-BC); labels are drawn below it.

Usage:
  /usr/bin/python3 benchmarks/python/bench.py --model NAME [--batch B] [--image-size S] [--train]
      [--iterations N] [--warmup W] [--threads T] [--channels-last] [--json]

--channels-last runs the model and the batch in torch.channels_last memory order
(model.to(memory_format=...)), which PyTorch users opt into; the default is PyTorch's own default,
contiguous NCHW.

Peak RSS is VmHWM from /proc/self/status (ru_maxrss where there is none), in MiB.
"""
import argparse
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "core", "src", "test", "resources", "org", "visionzoo",
                                "core", "testing"))

import torch  # noqa: E402
import torchref  # noqa: E402

CIFAR = {"resnet20", "resnet32", "resnet44", "resnet56", "resnet110"}


def default_image_size(name):
    return 32 if name in CIFAR or name.startswith("densenet_bc_") else 224


def num_classes(model):
    """The model's output classes: the out_features of its last linear layer."""
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    return linears[-1].out_features


def peak_rss_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def percentile(values, p):
    """R-7 (numpy's default linear interpolation), as the Java side."""
    v = sorted(values)
    h = (len(v) - 1) * p / 100.0
    lo = int(h)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


def parse(argv):
    p = argparse.ArgumentParser(description="PyTorch eager side of VisionZoo's benchmarks")
    p.add_argument("--model", required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--image-size", type=int, default=0)
    p.add_argument("--train", action="store_true")
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    for name in ("batch", "iterations", "threads"):
        if getattr(a, name) <= 0:
            p.error("--%s must be > 0" % name)
    if a.warmup < 0:
        p.error("--warmup must be >= 0")
    if a.image_size < 0:
        p.error("--image-size must be > 0")
    return a


def run(a):
    torch.set_num_threads(a.threads)
    size = a.image_size or default_image_size(a.model)
    torch.manual_seed(42)
    model = torchref.build_model(a.model)
    classes = num_classes(model)
    x = torch.randn(a.batch, 3, size, size)
    y = torch.randint(0, classes, (a.batch,))
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if a.train:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        crit = torch.nn.CrossEntropyLoss()

        def once():
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()
    else:
        model.eval()

        def once():
            with torch.no_grad():
                return model(x)[0, 0].item()

    for _ in range(a.warmup):
        once()
    ms = []
    for _ in range(a.iterations):
        t0 = time.perf_counter()
        once()
        ms.append((time.perf_counter() - t0) * 1000.0)
    median = percentile(ms, 50)
    return {
        "model": a.model,
        "mode": "train" if a.train else "eval",
        "batch": a.batch,
        "image_size": size,
        "threads": torch.get_num_threads(),
        "iterations": a.iterations,
        "warmup": a.warmup,
        "images_per_second": round(a.batch * 1000.0 / median, 3),
        "ms_per_batch": round(median, 3),
        "ms_per_batch_p10": round(percentile(ms, 10), 3),
        "ms_per_batch_p90": round(percentile(ms, 90), 3),
        "peak_rss_mb": round(peak_rss_mb(), 3),
        "engine": "PyTorch %s eager (torchvision %s)%s" % (torch.__version__, torchref.torchvision.__version__,
                                                          ", channels-last" if a.channels_last else ""),
        "ms_per_iteration": [round(v, 3) for v in ms],
    }


def main(argv):
    a = parse(argv)
    r = run(a)
    if a.json:
        print(json.dumps(r))
    else:
        print("%s %s b%d %dx%d, %d threads: %.1f ms/batch (p10 %.1f, p90 %.1f) = %.1f images/s, peak RSS %.0f MiB [%s]"
              % (r["model"], r["mode"], r["batch"], r["image_size"], r["image_size"], r["threads"],
                 r["ms_per_batch"], r["ms_per_batch_p10"], r["ms_per_batch_p90"], r["images_per_second"],
                 r["peak_rss_mb"], r["engine"]))


if __name__ == "__main__":
    main(sys.argv[1:])
