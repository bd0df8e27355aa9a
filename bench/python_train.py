#!/usr/bin/python3
"""Plain PyTorch training loop for the guide's SimpleCNN: the baseline ferry's trainer is
measured against. Same model, data, batch size, optimizer and split as `ferry train`.

Run with Debian's interpreter (python3-torch 1.13):
    /usr/bin/python3 bench/python_train.py [--threads 2] [--epochs 1] [--max-steps N]
Prints one JSON line: samples_per_sec (training steps only, data loading and evaluation
excluded, as ferry's TrainResult.samples_per_sec) and test_accuracy on t10k.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SimpleCNN(nn.Module):
    """The guide's model, verbatim."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, (5, 5), (2, 2))
        self.conv2 = nn.Conv2d(32, 64, (5, 5), (2, 2))
        self.max_pool = nn.MaxPool2d(1)
        self.flatten = nn.Flatten()
        self.relu = nn.ReLU()
        self.fc = nn.Sequential(nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(), nn.Linear(512, 10))

    def forward(self, x):
        x = self.conv1(x)
        x = self.max_pool(x)
        x = self.conv2(x)
        x = self.max_pool(x)
        x = self.flatten(x)
        x = self.relu(x)
        return F.log_softmax(self.fc(x), dim=-1)


def read_idx(path, rank):
    """MNIST IDX (gzipped): big-endian magic 0x000008<rank>, rank int32 dims, ubyte data."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic != 0x800 + rank:
        raise ValueError(f"{path}: bad magic {magic:#010x}")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 3)
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 1)
    # ToTensor's scaling: pixel / 255, no normalisation.
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--val-split", type=int, default=5000)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load(args.data_dir, "train")
    x_test, y_test = load(args.data_dir, "t10k")
    n_train = len(x) - args.val_split  # the held-out tail, as ferry's trainer
    x_train, y_train = x[:n_train], y[:n_train]

    model = SimpleCNN()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    steps, samples, train_seconds = 0, 0, 0.0
    model.train()
    for _ in range(args.epochs):
        order = torch.randperm(n_train, generator=gen)
        for start in range(0, n_train, args.batch_size):
            if 0 <= args.max_steps <= steps:
                break
            t0 = time.perf_counter()
            idx = order[start:start + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad()
            loss = F.nll_loss(model(xb), yb)
            loss.backward()
            opt.step()
            train_seconds += time.perf_counter() - t0
            steps += 1
            samples += len(idx)

    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x_test), 512):
            out = model(x_test[start:start + 512])
            correct += (out.argmax(1) == y_test[start:start + 512]).sum().item()
    print(json.dumps({
        "impl": "python-torch", "torch": torch.__version__, "threads": args.threads,
        "steps": steps, "samples_per_sec": round(samples / train_seconds, 1),
        "test_accuracy": round(correct / len(x_test), 4),
    }))


if __name__ == "__main__":
    main()
