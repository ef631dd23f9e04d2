"""PyTorch reference for org.visionzoo.training.optim tests (run with torch 1.13).

optim --out F.npz --seed S --steps N : initial params, gradients, lrs and trajectories of
    torch.optim.SGD/Adam/AdamW configurations (the CONFIGS below; Java mirrors them).
sched --out F.npz --iters N : lr per iteration of torch.optim.lr_scheduler configurations.
clip --out F.npz --seed S : gradients before/after clip_grad_norm_ and the total norms.
"""
import argparse
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

# name -> (optimizer class, kwargs, weight decay of "weight", weight decay of "bias")
CONFIGS = {
    "sgd_plain": (torch.optim.SGD, {}, 0.0, 0.0),
    "sgd_momentum": (torch.optim.SGD, {"momentum": 0.9, "dampening": 0.1}, 1e-2, 0.0),
    "sgd_nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}, 5e-3, 1e-3),
    "adam": (torch.optim.Adam, {"betas": (0.9, 0.999), "eps": 1e-8}, 1e-2, 0.0),
    "adam_amsgrad": (torch.optim.Adam, {"betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True}, 1e-3, 0.0),
    "adamw": (torch.optim.AdamW, {"betas": (0.9, 0.999), "eps": 1e-8}, 5e-2, 0.0),
    "adamw_amsgrad": (torch.optim.AdamW, {"betas": (0.9, 0.95), "eps": 1e-8, "amsgrad": True}, 1e-1, 1e-2),
}


def optim(args):
    g = torch.Generator().manual_seed(args.seed)
    shapes = {"weight": (4, 3, 3, 3), "bias": (4,)}
    init = {k: torch.randn(s, generator=g) for k, s in shapes.items()}
    grads = {k: torch.randn((args.steps,) + s, generator=g) for k, s in shapes.items()}
    # a changing lr: warmup then decay, with jitter
    lrs = [0.05 * (0.5 + torch.rand((), generator=g).item()) * min(1.0, (i + 1) / 5) for i in range(args.steps)]
    out = {"lrs": np.array(lrs, dtype=np.float64)}
    for k in shapes:
        out["init__" + k] = init[k].numpy()
        out["grad__" + k] = grads[k].numpy()
    for name, (cls, kw, wd_w, wd_b) in CONFIGS.items():
        params = {k: init[k].clone().requires_grad_(True) for k in shapes}
        opt = cls([{"params": [params["weight"]], "weight_decay": wd_w},
                   {"params": [params["bias"]], "weight_decay": wd_b}], lr=0.1, **kw)
        traj = {k: [] for k in shapes}
        for i in range(args.steps):
            for group in opt.param_groups:
                group["lr"] = lrs[i]
            for k in shapes:
                params[k].grad = grads[k][i].clone()
            opt.step()
            for k in shapes:
                traj[k].append(params[k].detach().clone())
        for k in shapes:
            out[name + "__" + k] = torch.stack(traj[k]).numpy()
    np.savez(args.out, **out)


def sched(args):
    from torch.optim import lr_scheduler as S

    def run(base, make):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        s = make(opt)
        lrs = []
        for _ in range(args.iters):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            s.step()
        return np.array(lrs, dtype=np.float64)

    n = args.iters
    out = {
        "step": run(0.1, lambda o: S.StepLR(o, step_size=30, gamma=0.1)),
        "multistep": run(0.1, lambda o: S.MultiStepLR(o, milestones=[20, 50, 80], gamma=0.2)),
        "onecycle": run(0.5, lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=n)),
        "onecycle_custom": run(0.5, lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=n, pct_start=0.25,
                                                          div_factor=10.0, final_div_factor=100.0)),
        "warmup_cosine": run(0.2, lambda o: S.SequentialLR(o, [
            S.LinearLR(o, start_factor=0.01, total_iters=10),
            S.CosineAnnealingLR(o, T_max=n - 10, eta_min=0.0)], milestones=[10])),
        "warmup_cosine_min": run(0.4, lambda o: S.SequentialLR(o, [
            S.LinearLR(o, start_factor=0.1, total_iters=7),
            S.CosineAnnealingLR(o, T_max=n - 7 - 20, eta_min=1e-3)], milestones=[7])),
        "cosine_only": run(0.1, lambda o: S.CosineAnnealingLR(o, T_max=n, eta_min=1e-4)),
    }
    np.savez(args.out, **out)


def clip(args):
    g = torch.Generator().manual_seed(args.seed)
    grads = [torch.randn(s, generator=g) for s in [(4, 3, 3, 3), (4,), (10, 4)]]
    out = {}
    for i, a in enumerate(grads):
        out["grad%d" % i] = a.numpy()
    for label, max_norm in (("small", 0.5), ("large", 1000.0)):
        ps = [torch.zeros_like(a, requires_grad=True) for a in grads]
        for p, a in zip(ps, grads):
            p.grad = a.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm)
        out[label + "_total"] = np.array([total.item()], dtype=np.float32)
        for i, p in enumerate(ps):
            out["%s_grad%d" % (label, i)] = p.grad.numpy()
    np.savez(args.out, **out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["optim", "sched", "clip"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--iters", type=int, default=100)
    a = ap.parse_args()
    {"optim": optim, "sched": sched, "clip": clip}[a.command](a)


if __name__ == "__main__":
    main()
