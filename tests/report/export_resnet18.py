"""Writes torchvision's ResNet-18 (random weights, no download) as ONNX opset 13.

Usage: /usr/bin/python3 export_resnet18.py OUT.onnx
"""
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, out, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch_size"},
                                                             "logits": {0: "batch_size"}})


if __name__ == "__main__":
    main()
