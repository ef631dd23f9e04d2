"""Writes torch.save (.pth) files for VisionZoo's .pth reader tests, with Debian's torch.

  pthfix.py tensors OUT
      OUT/plain.pth    an OrderedDict state dict: float32, a transposed view and a row view that
                       share the float32's storage, float16, bfloat16, float64, int64 scalar
                       (num_batches_tracked), int32, int16, int8, uint8, bool, an empty tensor,
                       an nn.Parameter
      OUT/wrapped.pth  {"epoch": 3, "model": <plain>, "optimizer": {...}, "best": 0.5}
      OUT/sd.pth       {"state_dict": <plain>}
      OUT/ema.pth      {"model_ema": <plain>, "epoch": 1}
      OUT/legacy.pth   <plain> in the legacy format (_use_new_zipfile_serialization=False)
      OUT/expected.json  key -> {"shape": [...], "values": [... as float ...]}
  pthfix.py convert TORCHREF MODEL CLASSES IN.safetensors OUT.pth [legacy|old|wrapped]
      builds MODEL with torchref.py's builder, loads IN strictly, and writes
      torch.save(model.state_dict(), OUT); with "legacy", DenseNet keys are renamed to the old
      form (denselayer1.norm1.weight -> denselayer1.norm.1.weight); with "old", also in the
      legacy format (_use_new_zipfile_serialization=False); with "wrapped", the state
      dict is saved as a training checkpoint's "model". Several jobs may follow one another,
      separated by "--".
  pthfix.py resave TORCHREF IN.safetensors OUT.pth [KEY]
      torch.save of IN's tensors as an OrderedDict, or as {KEY: it, "epoch": 1}.
"""
import collections
import importlib.util
import json
import os
import re
import sys

import torch


def plain():
    torch.manual_seed(0)
    w = torch.randn(3, 4)
    sd = collections.OrderedDict()
    sd["w"] = w
    sd["t"] = w.t()
    sd["row"] = w[1]
    sd["h"] = torch.randn(2, 3).half()
    sd["bf"] = torch.randn(5).bfloat16()
    sd["d"] = torch.randn(2, 2).double()
    sd["bn.num_batches_tracked"] = torch.tensor(7)
    sd["i32"] = torch.tensor([1, -2, 3], dtype=torch.int32)
    sd["i16"] = torch.tensor([-4, 5], dtype=torch.int16)
    sd["i8"] = torch.tensor([-6, 7], dtype=torch.int8)
    sd["u8"] = torch.tensor([200, 1], dtype=torch.uint8)
    sd["flag"] = torch.tensor([True, False])
    sd["empty"] = torch.zeros(0, 3)
    sd["p"] = torch.nn.Parameter(torch.randn(2, 3, 4).permute(2, 0, 1))
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def cmd_tensors(out):
    os.makedirs(out, exist_ok=True)
    sd = plain()
    torch.save(sd, os.path.join(out, "plain.pth"))
    torch.save({"epoch": 3, "model": sd, "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "params": [0, 1]}]},
                "best": 0.5}, os.path.join(out, "wrapped.pth"))
    torch.save({"state_dict": sd}, os.path.join(out, "sd.pth"))
    torch.save({"model_ema": sd, "epoch": 1}, os.path.join(out, "ema.pth"))
    torch.save(sd, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)
    expected = {k: {"shape": list(v.shape), "values": [float(x) for x in v.detach().double().flatten().tolist()]}
                for k, v in sd.items()}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


OLD = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def load_torchref(path):
    spec = importlib.util.spec_from_file_location("torchref", path)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    return ref


def cmd_resave(torchref, weights, out, key=None):
    state, _ = load_torchref(torchref).read_safetensors(weights)
    sd = collections.OrderedDict(state)
    torch.save({key: sd, "epoch": 1} if key else sd, out)


def cmd_convert(torchref, model, classes, weights, out, how):
    ref = load_torchref(torchref)
    net = ref.build_model(model, num_classes=int(classes))
    state, _ = ref.read_safetensors(weights)
    net.load_state_dict(state, strict=True)
    sd = net.state_dict()
    if how in ("legacy", "old"):
        renamed = collections.OrderedDict()
        for k, v in sd.items():
            m = OLD.match(k)
            renamed[m.group(1) + "." + m.group(2) if m else k] = v
        renamed._metadata = sd._metadata
        assert renamed.keys() != sd.keys(), "no DenseNet key to rename"
        sd = renamed
    if how == "wrapped":
        torch.save({"epoch": 3, "model": sd, "optimizer": {"state": {}, "param_groups": []}}, out)
    elif how == "old":
        torch.save(sd, out, _use_new_zipfile_serialization=False)
    else:
        torch.save(sd, out)


def main(argv):
    if argv[:1] == ["tensors"]:
        cmd_tensors(argv[1])
    elif argv[:1] == ["resave"]:
        cmd_resave(*argv[1:])
    elif argv[:1] == ["convert"]:
        job = []
        for a in argv[1:] + ["--"]:
            if a == "--":
                cmd_convert(*job[:5], how=job[5] if len(job) > 5 else "")
                job = []
            else:
                job.append(a)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
