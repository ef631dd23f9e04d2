#!/usr/bin/python3
"""torchref.py -- PyTorch/torchvision reference outputs for VisionZoo's parity tests.

VisionZoo re-implements torchvision's image classifiers in Java (DJL) and must
produce the same logits as torchvision on the same weights.  This script is the
"torchvision side" of that comparison.  It is used by the Java test harness
(org.visionzoo.core.testing.TorchReference) and can equally be run by hand.

Requirements: Python 3 with torch and torchvision (on Debian:
``apt-get install python3-torchvision``) and numpy.  Nothing else: the
safetensors format is read and written by hand, no pickle / torch.load is ever
used, and nothing is downloaded (weights are always random).

Sub-commands
------------

make   Build a model, give it reproducible random weights, draw a random input
       and write the three files a parity test needs::

         torchref.py make --model resnet18 --out /tmp/r18 \\
             [--num-classes N] [--image-size 64 | --height H --width W] \\
             [--batch 2] [--seed 0] [--in-channels 3] [--small-input-stem]

       writes  DIR/weights.safetensors  the full state_dict(), in its order
                                        (floats as F32, integer buffers such as
                                        num_batches_tracked as I64, scalars
                                        with shape [])
               DIR/input.npy            float32 NCHW input, torch.randn
               DIR/logits.npy           float32 eval-mode logits (no_grad)
       and prints one JSON line on stdout, e.g.::

         {"model": "resnet18", "weights": "...", "input": "...", "logits": "...",
          "parameters": 11689512, "input_shape": [2, 3, 64, 64],
          "output_shape": [2, 1000], "seed": 0}

       Weights: torch.manual_seed(seed) is called before the model is built,
       so convolutions and linear layers keep the model's own initialisation
       drawn from the seed; then every batch-norm layer is made non-trivial
       (weight ~ U(0.5, 1.5), bias ~ N(0, 0.1), running statistics calibrated on a random
       batch then perturbed, num_batches_tracked a random integer), and
       finally the input is drawn with torch.randn(batch, C, H, W), all from the
       same global generator.  Same arguments => same files.

       EfficientNets (torchvision's EfficientNet class) differ: the input is
       drawn first, and the running statistics are calibrated in eval mode,
       layer by layer, on the input plus 8 random images (see
       calibrate_batchnorm_in_eval); their deep stacks of blocks seeing 1x1 to
       3x3 maps at test sizes otherwise make the logits explode and float32
       rounding exceed any tolerance (torchvision's own float32 and float64
       logits then differ by more than 1e-3 relative).

check  Run a model on given weights and input (e.g. weights exported by the
       Java side) and write its logits::

         torchref.py check --model resnet18 --weights W.safetensors \\
             --input IN.npy --out OUT.npy [--num-classes N] \\
             [--in-channels C] [--small-input-stem]

       The weights are loaded with load_state_dict(strict=True); tensors may
       be stored as F32, F16, BF16, F64, I64, I32, I16, I8, U8 or BOOL.  On any
       error (a strict-load mismatch included) a one-line message goes to
       stderr and the exit status is 1.

count  Print the number of parameters (sum of p.numel() over
       model.parameters())::

         torchref.py count --model resnet20 [--num-classes N]

Models
------

* Any torchvision classification builder by its name: resnet18, resnet34,
  resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d,
  resnext101_64x4d, wide_resnet50_2, wide_resnet101_2, densenet121,
  mobilenet_v3_large, efficientnet_b0, ... built as
  ``torchvision.models.__dict__[name](num_classes=N)`` (default N: 1000).
* The CIFAR-10 ResNets of He et al. 2016 (section 4.2), which torchvision
  lacks: resnet20, resnet32, resnet44, resnet56, resnet110 (default N: 10),
  defined below with option-A (parameter-free) shortcuts.
* The CIFAR DenseNet-BC of Huang et al. 2017 (table 2), which torchvision
  lacks: densenet_bc_L_K (e.g. densenet_bc_100_12, densenet_bc_250_24,
  densenet_bc_190_40; default N: 10), built with torchvision's DenseNet class
  (so its module names) from three blocks of (L - 4) / 6 bottleneck layers,
  2K stem channels and the small-input stem below.
* MobileNet V1 of Howard et al. 2017 (table 1), which torchvision lacks:
  mobilenet_v1 and mobilenet_v1_NNN for width multiplier NNN / 100 (e.g.
  mobilenet_v1_075), module names mirroring torchvision's MobileNets
  (features.0 stem, features.N.0 depthwise, features.N.1 pointwise,
  classifier.1 linear; see MobileNetV1 below).
* torchvision's MobileNetV2 / V3 with builder options by name: a _wNNN suffix
  sets width_mult = NNN / 100, and for V3 _reduced_tail and _dilated set those
  flags (e.g. mobilenet_v2_w050, mobilenet_v3_large_w075_reduced_tail).
* Single blocks of the MBConv family, for core's block tests (the output is the
  block's NCHW output, --in-channels must equal IN): ir_v2_block_IN_EXP_OUT_sS,
  ir_v3_block_IN_EXP_OUT_kK_sS_dD_(re|hs)[_se], mbconv_block_IN_EXP_OUT_kK_sS,
  fused_mbconv_block_IN_EXP_OUT_kK_sS (see single_block).

Options changing the model's stem:

* ``--in-channels C`` gives the first convolution C input channels (keeping
  its kernel, stride, padding, ...).  For ResNets that is ``conv1``; for other
  models the first nn.Conv2d in module order.
* ``--small-input-stem`` (torchvision ResNets only) replaces ``conv1`` with
  ``nn.Conv2d(C, 64, 3, stride=1, padding=1, bias=False)`` and ``maxpool``
  with ``nn.Identity()``, the usual stem for 32x32 inputs.  For torchvision
  DenseNets it replaces ``features.conv0`` with a 3x3 stride-1 convolution of
  the same width and ``norm0``, ``relu0``, ``pool0`` with ``nn.Identity()``,
  the CIFAR stem of the DenseNet paper.
The same options must be given to ``check`` as were given to ``make``.

Environment: TORCHREF_THREADS (default 2) sets torch.set_num_threads.
"""

import argparse
import inspect
import json
import os
import re
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

# --------------------------------------------------------------------------- #
# CIFAR ResNets (He et al. 2016, section 4.2), option-A shortcuts.
# --------------------------------------------------------------------------- #

CIFAR_DEPTHS = {"resnet20": 20, "resnet32": 32, "resnet44": 44, "resnet56": 56, "resnet110": 110}


class ShortcutA(nn.Module):
    """Parameter-free shortcut: subsample by 2, zero-pad channels by planes // 4 per side."""

    def __init__(self, planes):
        super().__init__()
        self.pad = planes // 4

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0.0)


class CifarBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        if stride != 1 or in_planes != planes:
            if stride != 2 or in_planes + 2 * (planes // 4) != planes:
                raise ValueError("option-A shortcut needs stride 2 and doubled channels")
            self.shortcut = ShortcutA(planes)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """depth = 6n + 2: 3x3 conv(16) -> 3 stages of n basic blocks (16, 32, 64) -> GAP -> fc."""

    def __init__(self, depth, num_classes=10, in_channels=3):
        super().__init__()
        if (depth - 2) % 6 != 0:
            raise ValueError("CIFAR ResNet depth must be 6n+2, got %d" % depth)
        n = (depth - 2) // 6
        self.in_planes = 16
        self.conv1 = nn.Conv2d(in_channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._make_layer(16, n, 1)
        self.layer2 = self._make_layer(32, n, 2)
        self.layer3 = self._make_layer(64, n, 2)
        self.fc = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def _make_layer(self, planes, blocks, stride):
        layers = []
        for s in [stride] + [1] * (blocks - 1):
            layers.append(CifarBasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = torch.flatten(F.adaptive_avg_pool2d(out, 1), 1)
        return self.fc(out)


# --------------------------------------------------------------------------- #
# Model construction
# --------------------------------------------------------------------------- #

_NOT_BUILDERS = {"get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models"}


# --------------------------------------------------------------------------- #
# CIFAR DenseNet-BC (Huang et al. 2017, table 2) on torchvision's DenseNet class.
# --------------------------------------------------------------------------- #

DENSENET_BC = re.compile(r"densenet_bc_(\d+)_(\d+)")


def densenet_small_stem(model, in_channels):
    """The paper's CIFAR stem: one 3x3 stride-1 conv0, no norm0 / relu0 / pool0."""
    f = model.features
    conv = nn.Conv2d(in_channels, f.conv0.out_channels, 3, stride=1, padding=1, bias=False)
    nn.init.kaiming_normal_(conv.weight)  # torchvision DenseNet's initialisation
    f.conv0 = conv
    f.norm0 = nn.Identity()
    f.relu0 = nn.Identity()
    f.pool0 = nn.Identity()
    return model


def densenet_bc(depth, growth_rate, num_classes, in_channels):
    if depth < 10 or (depth - 4) % 6:
        raise ValueError("DenseNet-BC depth must be 6n + 4 with n >= 1, got %d" % depth)
    n = (depth - 4) // 6
    model = torchvision.models.DenseNet(growth_rate=growth_rate, block_config=(n, n, n),
                                        num_init_features=2 * growth_rate, bn_size=4,
                                        num_classes=num_classes)
    return densenet_small_stem(model, in_channels)


# --------------------------------------------------------------------------- #
# MobileNet V1 (Howard et al. 2017, table 1), which torchvision lacks, and the
# width-multiplier / tail options of torchvision's MobileNetV2 and V3 by name.
# --------------------------------------------------------------------------- #

MOBILENET_V1 = re.compile(r"mobilenet_v1(?:_(\d{3}))?")
MOBILENET_V1_ROWS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512), (1, 512), (1, 512),
                     (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]


class MobileNetV1(nn.Module):
    """features.0 = 3x3/2 conv-BN-ReLU; features.N = (depthwise 3x3 conv-BN-ReLU, pointwise 1x1
    conv-BN-ReLU); global average pool; classifier = (Dropout, Linear). Width alpha thins a layer
    to max(8, int(alpha * C)) channels (TF-slim's min_depth); the last depthwise has stride 1."""

    def __init__(self, alpha=1.0, num_classes=1000, in_channels=3, dropout=0.0):
        super().__init__()
        from torchvision.ops.misc import Conv2dNormActivation as CNA

        def ch(c):
            return max(8, int(c * alpha))

        c = ch(32)
        layers = [CNA(in_channels, c, 3, stride=2, activation_layer=nn.ReLU)]
        for stride, out in MOBILENET_V1_ROWS:
            o = ch(out)
            layers.append(nn.Sequential(
                CNA(c, c, 3, stride=stride, groups=c, activation_layer=nn.ReLU),
                CNA(c, o, 1, activation_layer=nn.ReLU)))
            c = o
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(c, num_classes))
        for m in self.modules():  # torchvision's MobileNet initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.classifier(x)


MOBILENET_OPTIONS = re.compile(r"(mobilenet_v2|mobilenet_v3_large|mobilenet_v3_small)"
                               r"(?:_w(\d{3}))?(_reduced_tail)?(_dilated)?")


def mobilenet_with_options(name, num_classes):
    """torchvision's MobileNetV2/V3 with width_mult (_wNNN = NNN / 100) and, for V3, reduced_tail
    and dilated, e.g. mobilenet_v3_small_w075_reduced_tail."""
    m = MOBILENET_OPTIONS.fullmatch(name)
    kwargs = {"num_classes": num_classes}
    if m.group(2):
        kwargs["width_mult"] = int(m.group(2)) / 100.0
    if m.group(1) == "mobilenet_v2" and (m.group(3) or m.group(4)):
        raise ValueError("%s: reduced_tail and dilated are MobileNetV3 options" % name)
    if m.group(3):
        kwargs["reduced_tail"] = True
    if m.group(4):
        kwargs["dilated"] = True
    return torchvision.models.__dict__[m.group(1)](**kwargs)


# --------------------------------------------------------------------------- #
# Single MBConv-family blocks, for core's tests of the shared blocks: the model is
# one torchvision block, its "logits" the block's NCHW output.
# --------------------------------------------------------------------------- #

BLOCK = re.compile(r"(ir_v2|ir_v3|mbconv|fused_mbconv)_block_(\d+)_(\d+)_(\d+)"
                   r"(?:_k(\d+))?_s(\d+)(?:_d(\d+))?(?:_(re|hs))?(_se)?")


def single_block(name, num_classes, in_channels):
    """One torchvision block, named by its resolved configuration:

    ir_v2_block_IN_EXP_OUT_sS                     mobilenetv2.InvertedResidual (kernel 3)
    ir_v3_block_IN_EXP_OUT_kK_sS_dD_(re|hs)[_se]  mobilenetv3.InvertedResidual, BN eps 1e-3 momentum 0.01
    mbconv_block_IN_EXP_OUT_kK_sS                 efficientnet.MBConv, stochastic depth 0.2, BN defaults
    fused_mbconv_block_IN_EXP_OUT_kK_sS           efficientnet.FusedMBConv, stochastic depth 0.2, BN eps 1e-3
    """
    from functools import partial
    from torchvision.models import efficientnet, mobilenetv2, mobilenetv3

    m = BLOCK.fullmatch(name)
    kind, cin, exp, cout = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    kernel, stride = m.group(5), int(m.group(6))
    dilation, act, se = m.group(7), m.group(8), m.group(9) is not None
    if num_classes is not None:
        raise ValueError("--num-classes does not apply to the single block %s" % name)
    if in_channels != cin:
        raise ValueError("%s takes %d input channels: give --in-channels %d" % (name, cin, cin))
    v3 = kind == "ir_v3"
    if (kernel is None) != (kind == "ir_v2") or (dilation is None) == v3 or (act is None) == v3 \
            or (se and not v3):
        raise ValueError("malformed block name %r (see single_block's docstring)" % name)
    if kind == "ir_v2":
        block = mobilenetv2.InvertedResidual(cin, cout, stride, exp / cin)
    elif v3:
        cnf = mobilenetv3.InvertedResidualConfig(cin, int(kernel), exp, cout, se, act.upper(), stride,
                                                 int(dilation), 1.0)
        if (cnf.input_channels, cnf.expanded_channels, cnf.out_channels) != (cin, exp, cout):
            raise ValueError("%s: channels must be multiples of 8 (width 1.0 rounds them)" % name)
        block = mobilenetv3.InvertedResidual(cnf, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))
    elif kind == "mbconv":
        cnf = efficientnet.MBConvConfig(exp / cin, int(kernel), stride, cin, cout, 1)
        block = efficientnet.MBConv(cnf, 0.2, nn.BatchNorm2d)
    else:
        cnf = efficientnet.FusedMBConvConfig(exp / cin, int(kernel), stride, cin, cout, 1)
        block = efficientnet.FusedMBConv(cnf, 0.2, partial(nn.BatchNorm2d, eps=0.001))
    for mod in block.modules():  # the families' initialisation
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode="fan_out")
            if mod.bias is not None:
                nn.init.normal_(mod.bias, 0.0, 0.1)  # non-zero SE biases
    return block


def _torchvision_names():
    models = torchvision.models
    if hasattr(models, "list_models"):
        return set(models.list_models(module=models))
    return {k for k, v in vars(models).items()
            if inspect.isfunction(v) and not k.startswith("_") and k not in _NOT_BUILDERS}


def torchvision_builder(name):
    models = torchvision.models
    if name not in _torchvision_names():
        raise ValueError("unknown model %r: expected a torchvision classification builder name "
                         "(e.g. resnet18) or one of %s" % (name, ", ".join(CIFAR_DEPTHS)))
    return models.__dict__[name]


def _first_conv(model):
    if isinstance(getattr(model, "conv1", None), nn.Conv2d):
        return model, "conv1"
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            parent_name, _, attr = name.rpartition(".")
            return model.get_submodule(parent_name) if parent_name else model, attr
    raise ValueError("model has no nn.Conv2d to give other input channels")


def _init_stem_conv(model, conv):
    if isinstance(model, CifarResNet):
        nn.init.kaiming_normal_(conv.weight)
    else:  # torchvision's ResNet / MobileNet / EfficientNet scheme
        nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)


def build_model(name, num_classes=None, in_channels=3, small_input_stem=False):
    """Build a randomly initialised model (from the current global torch RNG)."""
    v1 = MOBILENET_V1.fullmatch(name)
    if v1 or (MOBILENET_OPTIONS.fullmatch(name) and name not in _torchvision_names()):
        if small_input_stem:
            raise ValueError("--small-input-stem does not apply to %s" % name)
        classes = 1000 if num_classes is None else num_classes
        if v1:
            alpha = int(v1.group(1)) / 100.0 if v1.group(1) else 1.0
            if not 0 < alpha <= 1:
                raise ValueError("%s: width multiplier must be in (0, 1]" % name)
            return MobileNetV1(alpha, classes, in_channels)
        model = mobilenet_with_options(name, classes)
        if in_channels == 3:
            return model
        return _with_in_channels(model, in_channels)
    if BLOCK.fullmatch(name):
        if small_input_stem:
            raise ValueError("--small-input-stem does not apply to the single block %s" % name)
        return single_block(name, num_classes, in_channels)
    bc = DENSENET_BC.fullmatch(name)
    if bc:
        if small_input_stem:
            raise ValueError("--small-input-stem: %s already has the 3x3 stride-1 stem" % name)
        return densenet_bc(int(bc.group(1)), int(bc.group(2)),
                           10 if num_classes is None else num_classes, in_channels)
    if name in CIFAR_DEPTHS:
        model = CifarResNet(CIFAR_DEPTHS[name], 10 if num_classes is None else num_classes, in_channels)
        if small_input_stem:
            raise ValueError("--small-input-stem is for torchvision ResNets; %s already has a 3x3 "
                             "stride-1 stem" % name)
        return model
    builder = torchvision_builder(name)
    model = builder(num_classes=1000 if num_classes is None else num_classes)
    if small_input_stem and isinstance(model, torchvision.models.DenseNet):
        return densenet_small_stem(model, in_channels)
    if small_input_stem:
        if not (isinstance(getattr(model, "conv1", None), nn.Conv2d) and hasattr(model, "maxpool")):
            raise ValueError("--small-input-stem is for ResNet-family models (conv1 + maxpool); "
                             "%s has none" % name)
        conv = nn.Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False)
        _init_stem_conv(model, conv)
        model.conv1 = conv
        model.maxpool = nn.Identity()
    elif in_channels != 3:
        model = _with_in_channels(model, in_channels)
    return model


def _with_in_channels(model, in_channels):
    parent, attr = _first_conv(model)
    old = getattr(parent, attr)
    if old.groups != 1:
        raise ValueError("cannot change the input channels of a grouped first convolution")
    conv = nn.Conv2d(in_channels, old.out_channels, old.kernel_size, stride=old.stride,
                     padding=old.padding, dilation=old.dilation, bias=old.bias is not None,
                     padding_mode=old.padding_mode)
    _init_stem_conv(model, conv)
    setattr(parent, attr, conv)
    return model


def randomize_batchnorm(model, input_shape):
    """Make every batch norm non-trivial but well-scaled (global torch RNG).

    Scale and shift are drawn at random; the running statistics are first calibrated on a random
    batch (cumulative averages of a train-mode pass), then perturbed. Drawing the statistics
    independently of the activations would let deep residual nets blow up (logits of 1e10 for
    resnet152), where float32 rounding alone breaks any relative tolerance.
    """
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in norms:
            if m.weight is not None:
                m.weight.uniform_(0.5, 1.5)
            if m.bias is not None:
                m.bias.normal_(0.0, 0.1)
        momenta = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration pass
        model.train()
        n, c, h, w = input_shape
        model(torch.randn(max(n, 4), c, h, w))
        model.eval()
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
            if m.running_mean is not None:
                m.running_mean.add_(torch.randn_like(m.running_mean) * 0.1 * m.running_var.sqrt())
                m.running_var.mul_(torch.empty_like(m.running_var).uniform_(0.7, 1.3))
            if m.num_batches_tracked is not None:
                m.num_batches_tracked.fill_(int(torch.randint(1, 100000, ()).item()))


def calibrate_batchnorm_in_eval(model, x, extra=8):
    """Make every batch norm non-trivial with statistics consistent in eval mode (global torch RNG).

    Scale and shift are drawn as in randomize_batchnorm. Then one eval-mode pass over x plus
    `extra` random images sets each batch norm's running statistics, just before it runs, to the
    mean and variance of its actual input (whose upstream layers already use their final
    statistics), perturbed as in randomize_batchnorm. A train-mode calibration leaves eval-mode
    inputs drifting from the statistics layer after layer; with dozens of blocks and only a few
    values per channel in the last stages (a 1x1 map, a batch of 1) that drift and near-zero
    variances make a network so ill-conditioned that float32 rounding alone breaks the tolerance.
    """
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in norms:
            if m.weight is not None:
                m.weight.uniform_(0.5, 1.5)
            if m.bias is not None:
                m.bias.normal_(0.0, 0.1)

        def calibrate(m, inputs):
            t = inputs[0]
            dims = [0] + list(range(2, t.dim()))
            mean = t.mean(dims)
            var = t.var(dims, unbiased=False)
            m.running_mean.copy_(mean + torch.randn_like(mean) * 0.1 * var.sqrt())
            m.running_var.copy_(var * torch.empty_like(var).uniform_(0.7, 1.3))

        hooks = [m.register_forward_pre_hook(calibrate) for m in norms if m.running_mean is not None]
        model.eval()
        try:
            model(torch.cat([x, torch.randn(extra, *x.shape[1:])]))
        finally:
            for h in hooks:
                h.remove()
        for m in norms:
            if m.num_batches_tracked is not None:
                m.num_batches_tracked.fill_(int(torch.randint(1, 100000, ()).item()))


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def forward(model, x):
    with torch.no_grad():
        out = model(x)
    if isinstance(out, torch.Tensor):
        return out
    if hasattr(out, "logits"):  # GoogLeNetOutputs / InceptionOutputs
        return out.logits
    if isinstance(out, (tuple, list)):
        return out[0]
    raise TypeError("model returned %s, not a tensor" % type(out).__name__)


# --------------------------------------------------------------------------- #
# safetensors, by hand
# --------------------------------------------------------------------------- #

# dtype name -> (numpy little-endian dtype, bytes per element)
_ST_DTYPES = {
    "F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<i2", 2),
    "I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1),
    "U8": ("u1", 1), "BOOL": ("?", 1),
}


def _to_storage(t):
    """A tensor as (safetensors dtype, little-endian contiguous numpy array)."""
    t = t.detach().cpu().contiguous()
    if t.is_floating_point():
        return "F32", t.to(torch.float32).numpy().astype("<f4", copy=False)
    if t.dtype == torch.bool:
        return "BOOL", t.numpy()
    if t.dtype == torch.uint8:
        return "U8", t.numpy()
    if t.dtype == torch.int8:
        return "I8", t.numpy()
    if t.dtype == torch.int16:
        return "I16", t.numpy().astype("<i2", copy=False)
    if t.dtype == torch.int32:
        return "I32", t.numpy().astype("<i4", copy=False)
    return "I64", t.to(torch.int64).numpy().astype("<i8", copy=False)


def write_safetensors(path, state, metadata=None):
    """Write an ordered name -> tensor mapping as a .safetensors file."""
    header = {"__metadata__": {str(k): str(v) for k, v in (metadata or {}).items()}}
    arrays = []
    offset = 0
    for name, tensor in state.items():
        dtype, arr = _to_storage(tensor)
        nbytes = arr.size * arr.itemsize
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + nbytes]}
        arrays.append(np.ascontiguousarray(arr))
        offset += nbytes
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for arr in arrays:
            if arr.size:
                f.write(memoryview(arr.reshape(-1)).cast("B"))


def read_safetensors(path):
    """Read a .safetensors file into an ordered dict name -> torch tensor (and its metadata)."""
    if os.path.getsize(path) < 8:
        raise ValueError("%s: too short for a safetensors file" % path)
    data = np.memmap(path, dtype=np.uint8, mode="r")  # each tensor is copied out below
    (n,) = struct.unpack("<Q", data[:8].tobytes())
    if n > len(data) - 8:
        raise ValueError("%s: header length %d exceeds the file size %d" % (path, n, len(data)))
    header = json.loads(data[8:8 + n].tobytes().decode("utf-8"))
    start = 8 + n
    body = len(data) - start
    meta = header.pop("__metadata__", None) or {}
    state = {}
    for name, info in header.items():
        dtype = info["dtype"]
        if dtype not in _ST_DTYPES:
            raise ValueError("%s: tensor %s has unsupported dtype %s" % (path, name, dtype))
        np_dtype, size = _ST_DTYPES[dtype]
        shape = [int(d) for d in info["shape"]]
        b, e = (int(v) for v in info["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if not (0 <= b <= e <= body) or e - b != count * size:
            raise ValueError("%s: tensor %s has bad data_offsets %s for %s %s"
                             % (path, name, [b, e], dtype, shape))
        arr = np.frombuffer(data, dtype=np_dtype, count=count, offset=start + b)
        if dtype == "BF16":  # bfloat16 = the upper 16 bits of a float32
            arr = (arr.astype(np.int32) << 16).view(np.float32)
        arr = arr.astype(arr.dtype.newbyteorder("="), copy=True).reshape(shape)
        state[name] = torch.from_numpy(arr)
    return state, meta


# --------------------------------------------------------------------------- #
# Commands
# --------------------------------------------------------------------------- #


def cmd_make(args):
    if (args.height is None) != (args.width is None):
        raise ValueError("--height and --width go together")
    h = args.height if args.height is not None else args.image_size
    w = args.width if args.width is not None else args.image_size
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    model = build_model(args.model, args.num_classes, args.in_channels, args.small_input_stem)
    if isinstance(model, torchvision.models.EfficientNet):
        x = torch.randn(args.batch, args.in_channels, h, w)
        calibrate_batchnorm_in_eval(model, x)
    else:
        randomize_batchnorm(model, (args.batch, args.in_channels, h, w))
        x = torch.randn(args.batch, args.in_channels, h, w)
    logits = forward(model, x).to(torch.float32)

    weights = os.path.abspath(os.path.join(args.out, "weights.safetensors"))
    inp = os.path.abspath(os.path.join(args.out, "input.npy"))
    out = os.path.abspath(os.path.join(args.out, "logits.npy"))
    write_safetensors(weights, model.state_dict(), {
        "format": "pt", "model": args.model, "seed": args.seed, "torch": torch.__version__,
        "torchvision": torchvision.__version__})
    np.save(inp, x.numpy().astype(np.float32))
    np.save(out, logits.numpy().astype(np.float32))
    print(json.dumps({
        "model": args.model, "weights": weights, "input": inp, "logits": out,
        "parameters": parameter_count(model), "input_shape": list(x.shape),
        "output_shape": list(logits.shape), "seed": args.seed,
    }))


def cmd_check(args):
    torch.manual_seed(0)
    model = build_model(args.model, args.num_classes, args.in_channels, args.small_input_stem)
    state, _ = read_safetensors(args.weights)
    model.load_state_dict(state, strict=True)
    model.eval()
    x = np.load(args.input, allow_pickle=False)
    if x.ndim != 4:
        raise ValueError("%s: expected an NCHW array, got shape %s" % (args.input, list(x.shape)))
    logits = forward(model, torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    np.save(args.out, logits.to(torch.float32).numpy())


def cmd_count(args):
    torch.manual_seed(0)
    model = build_model(args.model, args.num_classes, args.in_channels, args.small_input_stem)
    print(parameter_count(model))


def positive(s):
    v = int(s)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer, got %s" % s)
    return v


def parser():
    p = argparse.ArgumentParser(
        prog="torchref.py",
        description="torchvision reference outputs for VisionZoo parity tests (see the module docstring).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Sub-commands", 1)[1] if "Sub-commands" in __doc__ else None)
    sub = p.add_subparsers(dest="command", metavar="{make,check,count}")
    sub.required = True

    def model_args(sp):
        sp.add_argument("--model", required=True, help="torchvision builder name, resnet20/32/44/56/110 or densenet_bc_L_K")
        sp.add_argument("--num-classes", type=positive, default=None,
                        help="output classes (default: 1000; 10 for the CIFAR ResNets and DenseNet-BC)")
        sp.add_argument("--in-channels", type=positive, default=3, help="input channels (default 3)")
        sp.add_argument("--small-input-stem", action="store_true",
                        help="ResNets: 3x3 stride-1 conv1 and no maxpool; DenseNets: 3x3 stride-1 conv0 only")

    mk = sub.add_parser("make", help="random weights + input + reference logits")
    model_args(mk)
    mk.add_argument("--out", required=True, help="output directory")
    mk.add_argument("--image-size", type=positive, default=64, help="square input size (default 64)")
    mk.add_argument("--height", type=positive, default=None, help="input height (with --width)")
    mk.add_argument("--width", type=positive, default=None, help="input width (with --height)")
    mk.add_argument("--batch", type=positive, default=2, help="batch size (default 2)")
    mk.add_argument("--seed", type=int, default=0, help="torch.manual_seed (default 0)")
    mk.set_defaults(func=cmd_make)

    ck = sub.add_parser("check", help="logits of given weights on a given input")
    model_args(ck)
    ck.add_argument("--weights", required=True, help=".safetensors state dict")
    ck.add_argument("--input", required=True, help="NCHW .npy input")
    ck.add_argument("--out", required=True, help=".npy file for the logits")
    ck.set_defaults(func=cmd_check)

    ct = sub.add_parser("count", help="print the parameter count")
    model_args(ct)
    ct.set_defaults(func=cmd_count)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    torch.set_num_threads(int(os.environ.get("TORCHREF_THREADS", "2")))
    try:
        args.func(args)
    except Exception as e:  # one line on stderr, exit status 1
        msg = " ".join(str(e).split())
        print("torchref.py %s: error: %s: %s" % (args.command, type(e).__name__, msg), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
