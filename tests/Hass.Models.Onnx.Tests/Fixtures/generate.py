#!/usr/bin/python3
"""Generates the ONNX fixtures of Hass.Models.Onnx.Tests and their PyTorch reference outputs.

Needs Debian's python3-torch (1.13), python3-torchvision and python3-onnx; the tests themselves need no Python.
Run from anywhere:  nice /usr/bin/python3 tests/Hass.Models.Onnx.Tests/Fixtures/generate.py [--skip-training | --only-training | --only NAME]
(--only NAME writes one fixture: leaky-sigmoid-pad, fmnist-norm, or bad for the bad/*.onnx models.)

Writes next to this script:
  <name>.onnx                 the network (random init with fixed seeds, BN statistics perturbed so folding matters)
  <name>.ref.json             {"input": [n, c, h, w], "output": [n, classes]} shapes of the two files below
  <name>.input.bin / .output.bin   float32 little-endian: fixed inputs and PyTorch's outputs (eval mode)
  fmnist-onnx.onnx + fmnist-onnx.json   a small CNN trained on Fashion-MNIST here, with its PyTorch test top-1
  fmnist-norm.onnx + fmnist-norm.json   a smaller one trained with another normalisation ((x/255 - 0.5) / 0.25)
  bad/*.onnx                  tiny models with one unsupported operator or attribute each
"""
import gzip
import json
import os
import struct
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
FMNIST = "/usr/share/datasets/fashion-mnist"
EPOCHS = 3
MEAN, STD = 0.2860, 0.3530   # the zoo's Fashion-MNIST normalisation (of x/255)


def perturb_batchnorm(model, seed):
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(c, generator=g) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(c, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(c, generator=g) * 0.1)


def export(model, name, input_shape, opset, batch=2, seed=1):
    model.eval()
    torch.manual_seed(seed)
    x = torch.randn(batch, *input_shape)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, torch.randn(1, *input_shape), path, opset_version=opset,
                      input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))
    x.numpy().astype("<f4").tofile(os.path.join(HERE, name + ".input.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(HERE, name + ".output.bin"))
    with open(os.path.join(HERE, name + ".ref.json"), "w") as f:
        json.dump({"input": list(x.shape), "output": list(y.shape), "opset": opset}, f)
    print(name, "opset", opset, os.path.getsize(path) // 1024, "KiB")


class ConcatSe(nn.Module):
    """Custom CNN: concat of two branches, depthwise conv, squeeze-excite (hardsigmoid gate), residual add,
    hardswish, average pooling, matmul + add classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.left = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU6())
        self.right = nn.Sequential(nn.Conv2d(16, 16, 5, padding=2), nn.ReLU())
        self.dw = nn.Sequential(nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32, bias=False), nn.BatchNorm2d(32), nn.Hardswish())
        self.se_fc1 = nn.Conv2d(32, 8, 1)
        self.se_fc2 = nn.Conv2d(8, 32, 1)
        self.project = nn.Sequential(nn.Conv2d(32, 32, 1, bias=False), nn.BatchNorm2d(32))
        self.pool = nn.AvgPool2d(2, 2)
        self.dropout = nn.Dropout(0.3)
        self.weight = nn.Parameter(torch.randn(32 * 7 * 7, 10) * 0.05)
        self.bias = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([self.left(x), self.right(x)], dim=1)
        x = self.dw(x)
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.hardsigmoid(self.se_fc2(F.relu(self.se_fc1(s))))
        x = x + self.project(x * s)
        x = self.pool(x)
        x = self.dropout(torch.flatten(x, 1))
        return torch.matmul(x, self.weight) + self.bias


class LeakySigmoidPad(nn.Module):
    """Custom CNN: leaky ReLU (two slopes), zero padding on two sides only (ZeroPad2d before a stride-2 conv),
    squeeze-excite with a sigmoid gate, x * sigmoid(x) (SiLU written out), max and average pooling, Gemm."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.1))
        self.down = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(8, 16, 3, stride=2, bias=False), nn.BatchNorm2d(16), nn.LeakyReLU())
        self.se_fc1 = nn.Conv2d(16, 4, 1)
        self.se_fc2 = nn.Conv2d(4, 16, 1)
        self.mix = nn.Conv2d(16, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = self.down(self.stem(x))
        s = torch.sigmoid(self.se_fc2(F.relu(self.se_fc1(F.adaptive_avg_pool2d(x, 1)))))
        x = self.mix(x * s)
        x = self.pool(x * torch.sigmoid(x))
        return self.fc(torch.flatten(x, 1))


class FashionNet(nn.Module):
    """The trained fixture: conv-BN-ReLU / ReLU6 (Clip), max pooling, flatten, dropout, Gemm."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 7 * 7, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def read_idx(name):
    with gzip.open(os.path.join(FMNIST, name), "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def normalise(images, mean=MEAN, std=STD):
    return (torch.from_numpy(images.astype(np.float32)) / 255.0 - mean) / std


def train_fashion_net():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_x, train_y = normalise(read_idx("train-images-idx3-ubyte.gz")), torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz"))
    test_x, test_y = normalise(read_idx("t10k-images-idx3-ubyte.gz")), torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz"))
    model = FashionNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(train_x))
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            opt.zero_grad()
            F.cross_entropy(model(train_x[idx]), train_y[idx]).backward()
            opt.step()
        print("epoch", epoch, "done", flush=True)
    model.eval()
    with torch.no_grad():
        correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
    top1 = 100.0 * correct / 10000
    export(model, "fmnist-onnx", (1, 28, 28), opset=13)
    with open(os.path.join(HERE, "fmnist-onnx.json"), "w") as f:
        json.dump({"testTop1": top1, "mean": MEAN, "std": STD, "epochs": EPOCHS}, f)
    print("fmnist-onnx test top-1", top1)


def train_fashion_norm():
    """A small CNN trained for one epoch with mean 0.5, std 0.25 (not the zoo's): the preprocessing fixture."""
    mean, std = 0.5, 0.25
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_x, train_y = normalise(read_idx("train-images-idx3-ubyte.gz"), mean, std), torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz"))
    test_x, test_y = normalise(read_idx("t10k-images-idx3-ubyte.gz"), mean, std), torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz"))
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    order = torch.randperm(len(train_x))
    for i in range(0, len(order), 128):
        idx = order[i:i + 128]
        opt.zero_grad()
        F.cross_entropy(model(train_x[idx]), train_y[idx]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
    top1 = 100.0 * correct / 10000
    export(model, "fmnist-norm", (1, 28, 28), opset=13)
    with open(os.path.join(HERE, "fmnist-norm.json"), "w") as f:
        json.dump({"testTop1": top1, "mean": mean, "std": std, "epochs": 1}, f)
    print("fmnist-norm test top-1", top1)


def leaky_sigmoid_pad():
    torch.manual_seed(5)
    model = LeakySigmoidPad()
    perturb_batchnorm(model, 5)
    export(model, "leaky-sigmoid-pad", (1, 28, 28), opset=13)
    fuse_pad_into_conv("leaky-sigmoid-pad", "leaky-sigmoid-pad-fused", [0, 0, 1, 1])


def fuse_pad_into_conv(name, fused_name, pads):
    """The same network with its Pad (and the constant subgraph computing its pads) folded into the next Conv's
    own pads attribute [top, left, bottom, right], as ONNX optimisers write it; PyTorch's outputs are unchanged."""
    model = onnx.load(os.path.join(HERE, name + ".onnx"))
    nodes = list(model.graph.node)
    pad = next(n for n in nodes if n.op_type == "Pad")
    conv = next(n for n in nodes if n.op_type == "Conv" and n.input[0] == pad.output[0])
    conv.input[0] = pad.input[0]
    for a in conv.attribute:
        if a.name == "pads":
            del a.ints[:]
            a.ints.extend(pads)
    dead = {n.name for n in nodes if n.name.startswith(pad.name.rsplit("/", 1)[0] + "/")}
    del model.graph.node[:]
    model.graph.node.extend(n for n in nodes if n.name not in dead)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, fused_name + ".onnx"))
    for ext in (".input.bin", ".output.bin", ".ref.json"):
        with open(os.path.join(HERE, name + ext), "rb") as src, open(os.path.join(HERE, fused_name + ext), "wb") as dst:
            dst.write(src.read())
    print(fused_name, "written")


def bad_model(name, node, extra_inits=(), in_shape=(1, 1, 8, 8), out_shape=None):
    """A one-node model whose node is outside what the importer supports."""
    out_shape = out_shape or in_shape
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, list(in_shape))],
                              [helper.make_tensor_value_info(node.output[0], TensorProto.FLOAT, list(out_shape))], list(extra_inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    os.makedirs(os.path.join(HERE, "bad"), exist_ok=True)
    onnx.save(model, os.path.join(HERE, "bad", name + ".onnx"))


def conv_weight(shape):
    return helper.make_tensor("w", TensorProto.FLOAT, list(shape), np.zeros(int(np.prod(shape)), np.float32).tolist())


def write_bad_models():
    bad_model("softmax", helper.make_node("Softmax", ["input"], ["y"], name="head/softmax", axis=1))
    bad_model("dilated-conv", helper.make_node("Conv", ["input", "w"], ["y"], name="conv_dilated", kernel_shape=[3, 3], dilations=[2, 2], pads=[2, 2, 2, 2]),
              [conv_weight((4, 1, 3, 3))], out_shape=(1, 4, 8, 8))
    bad_model("asymmetric-kernel", helper.make_node("Conv", ["input", "w"], ["y"], name="conv_1x3", kernel_shape=[1, 3], pads=[0, 1, 0, 1]),
              [conv_weight((4, 1, 1, 3))], out_shape=(1, 4, 8, 8))
    bad_model("clip-max-3", helper.make_node("Clip", ["input", "lo", "hi"], ["y"], name="clip3"),
              [helper.make_tensor("lo", TensorProto.FLOAT, [], [0.0]), helper.make_tensor("hi", TensorProto.FLOAT, [], [3.0])])
    bad_model("maxpool-ceil", helper.make_node("MaxPool", ["input"], ["y"], name="pool_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
              out_shape=(1, 1, 4, 4))
    bad_model("auto-pad", helper.make_node("Conv", ["input", "w"], ["y"], name="conv_same", kernel_shape=[3, 3], auto_pad="SAME_UPPER"),
              [conv_weight((4, 1, 3, 3))], out_shape=(1, 4, 8, 8))
    pads = helper.make_tensor("pads", TensorProto.INT64, [8], [0, 0, 1, 1, 0, 0, 1, 1])
    bad_model("pad-reflect", helper.make_node("Pad", ["input", "pads"], ["y"], name="pad_reflect", mode="reflect"), [pads], out_shape=(1, 1, 10, 10))
    bad_model("pad-alone", helper.make_node("Pad", ["input", "pads"], ["y"], name="pad_alone"), [pads], out_shape=(1, 1, 10, 10))
    print("bad models written")


def main():
    if "--only" in sys.argv:
        {"leaky-sigmoid-pad": leaky_sigmoid_pad, "fmnist-norm": train_fashion_norm, "bad": write_bad_models}[sys.argv[sys.argv.index("--only") + 1]]()
        return
    if "--only-training" in sys.argv:
        train_fashion_net()
        return
    torch.manual_seed(0)
    resnet = torchvision.models.resnet18()
    perturb_batchnorm(resnet, 1)
    export(resnet, "resnet18", (3, 224, 224), opset=11, batch=1)
    mnv2 = torchvision.models.mobilenet_v2()
    perturb_batchnorm(mnv2, 2)
    export(mnv2, "mobilenet-v2", (3, 224, 224), opset=13, batch=1)
    mnv3 = torchvision.models.mobilenet_v3_small()
    perturb_batchnorm(mnv3, 3)
    export(mnv3, "mobilenet-v3-small", (3, 224, 224), opset=17, batch=1)
    concat_se = ConcatSe()
    perturb_batchnorm(concat_se, 4)
    export(concat_se, "concat-se", (1, 28, 28), opset=11)
    export(concat_se, "concat-se-opset17", (1, 28, 28), opset=17)
    leaky_sigmoid_pad()
    write_bad_models()
    if "--skip-training" not in sys.argv:
        train_fashion_net()
        train_fashion_norm()


if __name__ == "__main__":
    main()
