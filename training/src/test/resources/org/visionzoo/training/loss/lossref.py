"""PyTorch reference for org.visionzoo.training.loss tests (run with torch 1.13).

ce --out F.npz --seed S --n N --k K : random float32 logits (some large, to test stability),
    int64 targets, soft targets (rows of a softmax, as mixup/cutmix produce) and, for each case
    below, torch.nn.CrossEntropyLoss's value (<case>__loss) and its gradient w.r.t. the logits
    (<case>__grad; for reduction "none" the gradient of loss.sum()).
"""
import argparse

import numpy as np
import torch

torch.set_num_threads(1)

# case -> (target kind, label_smoothing, reduction)
CASES = {
    "hard_mean": ("hard", 0.0, "mean"),
    "hard_smooth_mean": ("hard", 0.1, "mean"),
    "hard_sum": ("hard", 0.0, "sum"),
    "hard_none": ("hard", 0.0, "none"),
    "hard_smooth_sum": ("hard", 0.1, "sum"),
    "hard_smooth_none": ("hard", 0.1, "none"),
    "soft_mean": ("soft", 0.0, "mean"),
    "soft_sum": ("soft", 0.0, "sum"),
    "soft_none": ("soft", 0.0, "none"),
    "soft_smooth_mean": ("soft", 0.1, "mean"),
}


def ce(args):
    g = torch.Generator().manual_seed(args.seed)
    logits = torch.randn(args.n, args.k, generator=g) * 3
    logits[0] += 80.0  # large logits: log-softmax must stay finite
    logits[1, 0] = -90.0
    hard = torch.randint(0, args.k, (args.n,), generator=g)
    soft = torch.softmax(torch.randn(args.n, args.k, generator=g) * 2, dim=1)
    out = {"logits": logits.numpy(), "hard": hard.numpy(), "soft": soft.numpy()}
    for name, (kind, eps, red) in CASES.items():
        x = logits.clone().requires_grad_(True)
        loss = torch.nn.CrossEntropyLoss(label_smoothing=eps, reduction=red)(
            x, hard if kind == "hard" else soft)
        (loss.sum() if red == "none" else loss).backward()
        out[name + "__loss"] = loss.detach().numpy()
        out[name + "__grad"] = x.grad.numpy()
    np.savez(args.out, **out)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("ce")
    c.add_argument("--out", required=True)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--n", type=int, default=8)
    c.add_argument("--k", type=int, default=10)
    args = p.parse_args()
    {"ce": ce}[args.cmd](args)
