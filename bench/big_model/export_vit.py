"""Exports torchvision's vit_b_16 (random weights) to ONNX for the big-model measurement.

    /usr/bin/python3 bench/big_model/export_vit.py OUT.onnx [--static-batch] [--opset 14]

Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14). Input "input" [N,3,224,224]
(N dynamic unless --static-batch), output "output" [N,1000]. torchvision zero-initialises
the classifier head, which would make every output 0: it gets random weights here.
"""
import argparse

import torch
import torchvision


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--opset", type=int, default=14)
    p.add_argument("--static-batch", action="store_true")
    a = p.parse_args()
    torch.manual_seed(0)
    model = torchvision.models.vit_b_16(weights=None).eval()
    torch.nn.init.normal_(model.heads.head.weight, std=0.02)
    x = torch.randn(1, 3, 224, 224)
    dyn = None if a.static_batch else {"input": {0: "batch"}, "output": {0: "batch"}}
    # Not under no_grad: there, nn.MultiheadAttention takes its fused fast path
    # (aten::_native_multi_head_attention), which torch 1.13 cannot export.
    torch.onnx.export(model, x, a.out, opset_version=a.opset, input_names=["input"],
                      output_names=["output"], dynamic_axes=dyn)


if __name__ == "__main__":
    main()
