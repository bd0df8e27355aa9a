#!/usr/bin/python3
"""Independent PyTorch side of the src/torch tests (Debian's python3-torch 1.13).

  forward CKPT IN.npy OUT.npy    guide's SimpleCNN, state_dict from ferry's checkpoint, eval
  save CKPT SEED                 a checkpoint written by Python's torch.save (ferry must read it)
  script OUT.pt IN.npy OUT.npy   torch.jit.script of the guide's model (seed 3) and its output
  onnx CKPT OPSET OUT.onnx       torch.onnx.export of the checkpoint's model, dynamic batch
  onnx_compare OURS.onnx TORCH.onnx   onnx.checker on ours, then the same nodes (names, types,
                                 inputs, outputs, attributes), opset, graph inputs/outputs and
                                 initializer values as torch's; exit status 1 and a reason if not
"""
import sys

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


def from_checkpoint(path):
    ckpt = torch.load(path)
    assert ckpt["arch"] == "simplecnn", ckpt["arch"]
    model = SimpleCNN()
    model.load_state_dict(ckpt["state_dict"])  # strict: every name must match
    return model.eval()


def onnx_compare(ours_path, torch_path):
    import onnx
    from onnx import helper, numpy_helper
    ours, ref = onnx.load(ours_path), onnx.load(torch_path)
    onnx.checker.check_model(ours, full_check=True)

    def fail(msg):
        print(f"onnx_compare: {msg}")
        raise SystemExit(1)

    def attrs(n):
        return {a.name: helper.get_attribute_value(a) for a in n.attribute}

    if [(o.domain, o.version) for o in ours.opset_import] != \
            [(o.domain, o.version) for o in ref.opset_import]:
        fail(f"opset {ours.opset_import} vs {ref.opset_import}")
    if len(ours.graph.node) != len(ref.graph.node):
        fail(f"{len(ours.graph.node)} nodes vs {len(ref.graph.node)}")
    for a, b in zip(ours.graph.node, ref.graph.node):
        got = (a.name, a.op_type, list(a.input), list(a.output), attrs(a))
        want = (b.name, b.op_type, list(b.input), list(b.output), attrs(b))
        if got != want:
            fail(f"node {got} vs {want}")
    for a, b in ((ours.graph.input, ref.graph.input), (ours.graph.output, ref.graph.output)):
        if [str(v) for v in a] != [str(v) for v in b]:
            fail(f"graph inputs/outputs {a} vs {b}")
    ours_init = {t.name: numpy_helper.to_array(t) for t in ours.graph.initializer}
    ref_init = {t.name: numpy_helper.to_array(t) for t in ref.graph.initializer}
    if sorted(ours_init) != sorted(ref_init):
        fail(f"initializers {sorted(ours_init)} vs {sorted(ref_init)}")
    for k, v in ref_init.items():
        if v.dtype != ours_init[k].dtype or not np.array_equal(v, ours_init[k]):
            fail(f"initializer {k} differs")


def main(argv):
    torch.set_num_threads(1)
    cmd = argv[1]
    if cmd == "forward":
        model = from_checkpoint(argv[2])
        with torch.no_grad():
            y = model(torch.from_numpy(np.load(argv[3])))
        np.save(argv[4], y.numpy())
    elif cmd == "save":
        torch.manual_seed(int(argv[3]))
        sd = SimpleCNN().state_dict()
        torch.save({"arch": "simplecnn", "version": 1,
                    "state_dict": {k: v for k, v in sd.items()}}, argv[2])
    elif cmd == "script":
        torch.manual_seed(3)
        model = torch.jit.script(SimpleCNN().eval())
        torch.jit.save(model, argv[2])
        with torch.no_grad():
            y = model(torch.from_numpy(np.load(argv[3])))
        np.save(argv[4], y.numpy())
    elif cmd == "onnx":
        model = from_checkpoint(argv[2])
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), argv[4], opset_version=int(argv[3]),
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch_size"}, "output": {0: "batch_size"}})
    elif cmd == "onnx_compare":
        onnx_compare(argv[2], argv[3])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
