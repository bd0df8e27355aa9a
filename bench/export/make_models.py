#!/usr/bin/env python3
"""Makes the TorchScript fixtures of `ferry export` with Debian's torch 1.13 / torchvision 0.14.

For each model NAME: OUT/NAME/model.pt (torch.jit.trace of the eval-mode module, random
weights from seed 0, batch-norm statistics randomised so that they matter), the example
inputs input_<i>.npy, libtorch's outputs output_<i>.npy on them, and meta.json with the
`ferry export` flags (input shapes and dtypes) and the input names.

Tracing runs with autograd on: nn.MultiheadAttention and nn.TransformerEncoderLayer then
take their composite path (linear, bmm, softmax, ...) and not the fused
aten::_native_multi_head_attention / aten::_transformer_encoder_layer_fwd of torch 1.13's
inference fast path.

    make_models.py OUT NAME [NAME ...]     (NAME 'all': every model below; 'list': print them)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Rnn(nn.Module):
    def __init__(self, cls):
        super().__init__()
        self.rnn = cls(8, 16, num_layers=2, batch_first=True, bidirectional=True)

    def forward(self, x):
        y, h = self.rnn(x)
        if isinstance(h, tuple):  # LSTM: (h_n, c_n)
            return y, h[0], h[1]
        return y, h


class Encoder(nn.Module):
    """nn.TransformerEncoder with a causal (additive float) attention mask."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                           batch_first=True, activation="gelu")
        self.enc = nn.TransformerEncoder(layer, num_layers=2)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(6))

    def forward(self, x):
        return self.enc(x, mask=self.mask)


class EmbeddingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)
        self.norm = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 4)

    def forward(self, ids):
        return self.fc(F.gelu(self.norm(self.emb(ids))))


class UpsampleModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.deconv = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        y = self.up(torch.relu(self.conv(x)))
        y = F.interpolate(y, size=(20, 20), mode="bilinear", align_corners=False)
        return self.deconv(y)


class Unsupported(nn.Module):
    """Uses two ops ferry does not map (aten::cumsum, aten::erfinv) for the error test."""

    def forward(self, x):
        y = torch.cumsum(x, 1)
        return torch.erfinv(torch.tanh(y))


def tv(name, size):
    def make():
        import torchvision.models as m
        kwargs = {"weights": None}
        if name == "googlenet":
            kwargs.update(aux_logits=False, init_weights=True)
        return getattr(m, name)(**kwargs)
    return make, [((1, 3, size, size), "float32")]


MODELS = {
    "resnet18": tv("resnet18", 64),
    "mobilenet_v2": tv("mobilenet_v2", 64),
    "mobilenet_v3_small": tv("mobilenet_v3_small", 64),
    "efficientnet_b0": tv("efficientnet_b0", 64),
    "regnet_y_400mf": tv("regnet_y_400mf", 64),
    "squeezenet1_0": tv("squeezenet1_0", 64),
    "shufflenet_v2_x0_5": tv("shufflenet_v2_x0_5", 64),
    "densenet121": tv("densenet121", 64),
    "googlenet": tv("googlenet", 64),
    "convnext_tiny": tv("convnext_tiny", 64),
    "vit_b_16": tv("vit_b_16", 224),
    "lstm": (lambda: Rnn(nn.LSTM), [((2, 5, 8), "float32")]),
    "gru": (lambda: Rnn(nn.GRU), [((2, 5, 8), "float32")]),
    "transformer_encoder": (Encoder, [((2, 6, 32), "float32")]),
    "embedding": (EmbeddingModel, [((2, 7), "int64")]),
    "upsample_convtranspose": (UpsampleModel, [((1, 3, 10, 10), "float32")]),
    "unsupported": (Unsupported, [((2, 5), "float32")]),
}


def make(out, name):
    torch.manual_seed(0)
    factory, specs = MODELS[name]
    model = factory().eval()
    if name == "vit_b_16":  # torchvision zero-initialises the head: outputs would all be 0
        nn.init.normal_(model.heads.head.weight, std=0.02)
    for mod in model.modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 1.5)
    rng = np.random.default_rng(1)
    inputs = []
    for shape, dtype in specs:
        if dtype == "int64":
            inputs.append(torch.from_numpy(rng.integers(0, 100, size=shape).astype(np.int64)))
        else:
            inputs.append(torch.from_numpy(rng.standard_normal(shape).astype(np.float32)))
    traced = torch.jit.trace(model, tuple(inputs), check_trace=False)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    traced.save(os.path.join(d, "model.pt"))
    loaded = torch.jit.load(os.path.join(d, "model.pt"))
    names = [a.name for a in loaded.forward.schema.arguments[1:]]
    with torch.no_grad():
        outs = loaded(*inputs)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    for i, x in enumerate(inputs):
        np.save(os.path.join(d, f"input_{i}.npy"), x.numpy())
    for i, y in enumerate(outs):
        np.save(os.path.join(d, f"output_{i}.npy"), y.numpy())
    meta = {"input_names": names, "input_shapes": [",".join(map(str, s)) for s, _ in specs],
            "input_dtypes": [t for _, t in specs], "outputs": len(outs)}
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f)
    # One line of shell words for `ferry export`.
    flags = []
    for s, t in zip(meta["input_shapes"], meta["input_dtypes"]):
        flags += ["--input-shape", s, "--input-dtype", t]
    with open(os.path.join(d, "flags"), "w") as f:
        f.write(" ".join(flags) + "\n")
    # ferry's --input NAME=FILE arguments, in order.
    with open(os.path.join(d, "inputs"), "w") as f:
        f.write(" ".join(f"{n}={d}/input_{i}.npy" for i, n in enumerate(names)) + "\n")


def main():
    out, names = sys.argv[1], sys.argv[2:]
    if names == ["list"]:
        print(" ".join(MODELS))
        return
    if names == ["all"]:
        names = [n for n in MODELS if n != "unsupported"]
    torch.set_num_threads(2)
    for n in names:
        make(out, n)


if __name__ == "__main__":
    main()
