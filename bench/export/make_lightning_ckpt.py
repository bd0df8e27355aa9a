#!/usr/bin/env python3
"""Writes a checkpoint with the structure PyTorch Lightning's Trainer.save_checkpoint gives the
guide's TrainModule (self.model = SimpleCNN()), using torch alone (Lightning is not installed):
state_dict with 'model.conv1.weight' ..., an AdamW optimizer state after two steps, loops,
callbacks and hyper_parameters. Also writes input.npy and the Python model's output.npy.

    make_lightning_ckpt.py OUT_DIR
"""
import collections
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class SimpleCNN(nn.Module):  # the guide's model.py
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, (5, 5), (2, 2))
        self.conv2 = nn.Conv2d(32, 64, (5, 5), (2, 2))
        self.max_pool = nn.MaxPool2d(1)
        self.flatten = nn.Flatten()
        self.relu = nn.ReLU()
        self.fc = nn.Sequential(nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(), nn.Linear(512, 10))

    def forward(self, x):
        x = self.max_pool(self.conv1(x))
        x = self.max_pool(self.conv2(x))
        x = self.relu(self.flatten(x))
        return F.log_softmax(self.fc(x), dim=-1)


class TrainModule(nn.Module):  # stands in for the guide's pl.LightningModule
    def __init__(self):
        super().__init__()
        self.model = SimpleCNN()
        self.loss_fn = nn.NLLLoss()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    module = TrainModule()
    opt = optim.AdamW(lr=1e-3, params=module.model.parameters())
    x = torch.rand(8, 1, 28, 28)
    y = torch.randint(0, 10, (8,))
    for _ in range(2):  # real optimizer state (exp_avg, exp_avg_sq, step)
        opt.zero_grad()
        module.loss_fn(module.model(x), y).backward()
        opt.step()
    ckpt = {
        "epoch": 0,
        "global_step": 2,
        "pytorch-lightning_version": "1.9.0",
        "state_dict": collections.OrderedDict(module.state_dict()),
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 1}}}},
        "callbacks": {"ModelCheckpoint{'monitor': None}": {"best_model_score": None,
                                                            "best_model_path": ""}},
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [],
        "hyper_parameters": {"lr": 1e-3, "batch_size": 64, "name": "simplecnn"},
    }
    torch.save(ckpt, os.path.join(out, "MNIST.ckpt"))
    module.eval()
    xt = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        yt = module.model(xt)
    np.save(os.path.join(out, "input.npy"), xt.numpy())
    np.save(os.path.join(out, "output.npy"), yt.numpy())


if __name__ == "__main__":
    main()
