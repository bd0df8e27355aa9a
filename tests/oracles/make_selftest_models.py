"""Builds the oracle self-test's tiny models, inputs and NumPy references into OUTDIR.

    /usr/bin/python3 make_selftest_models.py OUTDIR

onnx/      model.onnx: y = Relu(x @ W + B), idx_sum = ReduceSum(idx) (int64), idx32 = Cast(idx)
tfjs/      model.json + group1-shard1of1.bin, hand-written: Placeholder x -> MatMul -> BiasAdd
           -> Relu, and Placeholder idx (int32) -> Sum, with a serving signature
tfjs_conv/ NCHW Placeholder image -> Transpose -> Conv2D (EXPLICIT asymmetric padding) ->
           BiasAdd -> Relu, without a signature (inputs and outputs go by node name)
inputs/    x.npy (float32 [2, 3]), idx.npy (int64 [5]), image.npy (float32 [2, 3, 6, 7])
expected/  y.npy, idx_sum.npy, idx32.npy computed with NumPy; idx_sum_int32.npy and
           conv_relu.npy (NHWC) for TF.js
npy/       one file per dtype for the npy.js <-> numpy round trip
"""
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def make_onnx(path, w, b):
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["mm"], name="matmul"),
        helper.make_node("Add", ["mm", "B"], ["pre"], name="add"),
        helper.make_node("Relu", ["pre"], ["y"], name="relu"),
        helper.make_node("ReduceSum", ["idx"], ["idx_sum"], keepdims=0, name="sum"),
        helper.make_node("Cast", ["idx"], ["idx32"], to=TensorProto.INT32, name="cast"),
    ]
    graph = helper.make_graph(
        nodes, "oracle_selftest",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("idx_sum", TensorProto.INT64, []),
         helper.make_tensor_value_info("idx32", TensorProto.INT32, [5])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


def shape_json(dims):
    return {"dim": [{"size": str(d)} for d in dims]}


def make_tfjs(folder, w, b):
    """A TF.js graph model written by hand (FACTS.md: GraphDef as protobuf JSON, Const values
    moved into the weights manifest, int64 as strings, bytes as base64)."""
    f32 = {"type": "DT_FLOAT"}
    i32 = {"type": "DT_INT32"}

    def const(name, dtype, dims):
        return {"name": name, "op": "Const",
                "attr": {"dtype": {"type": dtype},
                         "value": {"tensor": {"dtype": dtype, "tensorShape": shape_json(dims)}}}}

    nodes = [
        {"name": "x", "op": "Placeholder",
         "attr": {"dtype": f32, "shape": {"shape": shape_json([-1, 3])}}},
        {"name": "idx", "op": "Placeholder",
         "attr": {"dtype": i32, "shape": {"shape": shape_json([5])}}},
        const("w", "DT_FLOAT", w.shape),
        const("b", "DT_FLOAT", b.shape),
        const("axis", "DT_INT32", [1]),
        {"name": "matmul", "op": "MatMul", "input": ["x", "w"],
         "attr": {"T": f32, "transpose_a": {"b": False}, "transpose_b": {"b": False}}},
        {"name": "bias", "op": "BiasAdd", "input": ["matmul", "b"],
         "attr": {"T": f32, "data_format": {"s": base64.b64encode(b"NHWC").decode()}}},
        {"name": "relu", "op": "Relu", "input": ["bias"], "attr": {"T": f32}},
        {"name": "sum", "op": "Sum", "input": ["idx", "axis"],
         "attr": {"T": i32, "Tidx": i32, "keep_dims": {"b": False}}},
    ]
    weights = [("w", w), ("b", b), ("axis", np.array([0], np.int32))]
    model = {
        "format": "graph-model",
        "generatedBy": "ferry oracle self-test",
        "convertedBy": "hand-written",
        "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1}},
        "weightsManifest": [{
            "paths": ["group1-shard1of1.bin"],
            "weights": [{"name": n, "shape": list(a.shape), "dtype": str(a.dtype)}
                        for n, a in weights],
        }],
        "signature": {
            "inputs": {
                "features": {"name": "x:0", "dtype": "DT_FLOAT",
                             "tensorShape": shape_json([-1, 3])},
                "idx": {"name": "idx:0", "dtype": "DT_INT32", "tensorShape": shape_json([5])},
            },
            "outputs": {
                "scores": {"name": "relu:0", "dtype": "DT_FLOAT"},
                "idx_sum": {"name": "sum:0", "dtype": "DT_INT32"},
            },
        },
    }
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    with open(os.path.join(folder, "group1-shard1of1.bin"), "wb") as f:
        for _, a in weights:
            f.write(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes())


def make_tfjs_conv(folder, x_nchw):
    """Placeholder (NCHW) -> Transpose -> Conv2D (NHWC, padding EXPLICIT, asymmetric) -> BiasAdd
    -> Relu: the shape of graph ferry's converter emits for an ONNX Conv. Returns the NumPy
    reference output (NHWC)."""
    rng = np.random.default_rng(1)
    filt = rng.standard_normal((3, 3, 3, 5)).astype(np.float32)  # HWIO
    bias = rng.standard_normal(5).astype(np.float32)
    pads = [(0, 0), (1, 2), (0, 1), (0, 0)]  # NHWC (before, after)
    f32 = {"type": "DT_FLOAT"}
    i32 = {"type": "DT_INT32"}
    b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    ints = lambda v: {"list": {"i": [str(i) for i in v]}}  # noqa: E731

    def const(name, dtype, dims):
        return {"name": name, "op": "Const",
                "attr": {"dtype": {"type": dtype},
                         "value": {"tensor": {"dtype": dtype, "tensorShape": shape_json(dims)}}}}

    nodes = [
        {"name": "image", "op": "Placeholder",
         "attr": {"dtype": f32, "shape": {"shape": shape_json([-1, 3, 6, 7])}}},
        const("perm", "DT_INT32", [4]),
        const("filter", "DT_FLOAT", filt.shape),
        const("bias", "DT_FLOAT", bias.shape),
        {"name": "to_nhwc", "op": "Transpose", "input": ["image", "perm"],
         "attr": {"T": f32, "Tperm": i32}},
        {"name": "conv", "op": "Conv2D", "input": ["to_nhwc", "filter"],
         "attr": {"T": f32, "strides": ints([1, 1, 1, 1]), "dilations": ints([1, 1, 1, 1]),
                  "padding": {"s": b64("EXPLICIT")},
                  "explicit_paddings": ints([p for pair in pads for p in pair]),
                  "data_format": {"s": b64("NHWC")}, "use_cudnn_on_gpu": {"b": True}}},
        {"name": "bias_add", "op": "BiasAdd", "input": ["conv", "bias"],
         "attr": {"T": f32, "data_format": {"s": b64("NHWC")}}},
        {"name": "relu", "op": "Relu", "input": ["bias_add"], "attr": {"T": f32}},
    ]
    weights = [("perm", np.array([0, 2, 3, 1], np.int32)), ("filter", filt), ("bias", bias)]
    model = {
        "format": "graph-model",
        "generatedBy": "ferry oracle self-test",
        "convertedBy": "hand-written",
        "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1}},
        "weightsManifest": [{
            "paths": ["group1-shard1of1.bin"],
            "weights": [{"name": n, "shape": list(a.shape), "dtype": str(a.dtype)}
                        for n, a in weights],
        }],
    }
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    with open(os.path.join(folder, "group1-shard1of1.bin"), "wb") as f:
        for _, a in weights:
            f.write(a.tobytes())
    # Reference: cross-correlation over the padded NHWC input, accumulated in float64.
    x = np.pad(x_nchw.transpose(0, 2, 3, 1).astype(np.float64), pads)
    windows = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))  # N,H,W,C,kh,kw
    y = np.einsum("nhwcij,ijco->nhwo", windows, filt.astype(np.float64)) + bias
    return np.maximum(y, 0).astype(np.float32)


def main():
    out = sys.argv[1]
    for sub in ("onnx", "tfjs", "inputs", "expected", "npy"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    idx = np.array([7, -3, 12, 0, 5], np.int64)
    make_onnx(os.path.join(out, "onnx", "model.onnx"), w, b)
    make_tfjs(os.path.join(out, "tfjs"), w, b)
    image = rng.standard_normal((2, 3, 6, 7)).astype(np.float32)
    np.save(os.path.join(out, "inputs", "image.npy"), image)
    np.save(os.path.join(out, "expected", "conv_relu.npy"),
            make_tfjs_conv(os.path.join(out, "tfjs_conv"), image))
    np.save(os.path.join(out, "inputs", "x.npy"), x)
    np.save(os.path.join(out, "inputs", "idx.npy"), idx)
    # float64 accumulation, then rounded: the oracles run float32 and must agree to ~1e-6.
    y = np.maximum(x.astype(np.float64) @ w.astype(np.float64) + b, 0).astype(np.float32)
    np.save(os.path.join(out, "expected", "y.npy"), y)
    np.save(os.path.join(out, "expected", "idx_sum.npy"), idx.sum())
    np.save(os.path.join(out, "expected", "idx_sum_int32.npy"), idx.sum().astype(np.int32))
    np.save(os.path.join(out, "expected", "idx32.npy"), idx.astype(np.int32))
    for dtype in ("float32", "float64", "int32", "int64", "uint8", "bool", "int8", "float16"):
        a = (np.arange(24).reshape(2, 3, 4) % 7 - 2).astype(dtype)
        np.save(os.path.join(out, "npy", dtype + ".npy"), a)


if __name__ == "__main__":
    main()
