"""Model definitions for the committed PyTorch fixtures (see export_fixtures.py).

Every architecture is written in plain torch (no torchvision, no downloads) with narrow widths and small spatial
sizes so that the whole fixtures/ folder stays small. Each entry of SPECS says how to build the module and what
input it takes; export_fixtures.py seeds torch from the fixture name before building, so regenerating one fixture
with --only gives the same bytes as a full run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn


# --------------------------------------------------------------------------------------------------------------
# seed: the MNIST CNN from /work/shared/seed, unchanged except for the module layout being written out here.
# --------------------------------------------------------------------------------------------------------------


class SeedCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 25, kernel_size=3), nn.BatchNorm2d(25), nn.ReLU(inplace=True))
        self.layer2 = nn.Sequential(nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer3 = nn.Sequential(nn.Conv2d(25, 50, kernel_size=3), nn.BatchNorm2d(50), nn.ReLU(inplace=True))
        self.layer4 = nn.Sequential(nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Sequential(
            nn.Linear(50 * 5 * 5, 1024),
            nn.ReLU(inplace=True),
            nn.Linear(1024, 128),
            nn.ReLU(inplace=True),
            nn.Linear(128, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


# --------------------------------------------------------------------------------------------------------------
# models: small versions of the building blocks of common vision / sequence architectures
# --------------------------------------------------------------------------------------------------------------


def conv_bn(cin: int, cout: int, k: int, stride: int = 1, padding: int = 0, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=padding, groups=groups, bias=False), nn.BatchNorm2d(cout)
    )


class ResNetBasic(nn.Module):
    """Two ResNet-18 basic blocks: one with a strided 1x1 conv+BN downsample shortcut, one identity shortcut."""

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = conv_bn(cin, cout, 3, stride, 1)
            self.conv2 = conv_bn(cout, cout, 3, 1, 1)
            self.downsample = conv_bn(cin, cout, 1, stride) if (stride != 1 or cin != cout) else None

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            identity = x if self.downsample is None else self.downsample(x)
            out = F.relu(self.conv1(x))
            out = self.conv2(out)
            return F.relu(out + identity)

    def __init__(self) -> None:
        super().__init__()
        self.block1 = self.Block(8, 16, 2)
        self.block2 = self.Block(16, 16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block2(self.block1(x))


class Bottleneck(nn.Module):
    """ResNet-50 style bottleneck (1x1 reduce, 3x3, 1x1 expand x4); groups/width give the ResNeXt variant."""

    def __init__(self, cin: int, planes: int, stride: int = 1, groups: int = 1, width: int | None = None) -> None:
        super().__init__()
        width = planes if width is None else width
        cout = planes * 4
        self.conv1 = conv_bn(cin, width, 1)
        self.conv2 = conv_bn(width, width, 3, stride, 1, groups=groups)
        self.conv3 = conv_bn(width, cout, 1)
        self.downsample = conv_bn(cin, cout, 1, stride) if (stride != 1 or cin != cout) else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        out = self.conv3(out)
        return F.relu(out + identity)


class ResNetBottleneck(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block1 = Bottleneck(16, 8, stride=2)  # 16 -> 32 channels, projection shortcut
        self.block2 = Bottleneck(32, 8)  # identity shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block2(self.block1(x))


class ResNeXtBottleneck(nn.Module):
    """ResNeXt-50 32x(2d) bottleneck: the 3x3 conv is grouped with groups=32, 2 channels per group."""

    def __init__(self) -> None:
        super().__init__()
        self.block = Bottleneck(32, 16, stride=1, groups=32, width=64)  # 32 -> 64 channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)


class InvertedResidual(nn.Module):
    """MobileNetV2 inverted residual: 1x1 expand + ReLU6, 3x3 depthwise + ReLU6, 1x1 linear projection."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x) if self.use_res else self.block(x)


class MobileNetV2Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ir1 = InvertedResidual(8, 8, 1, 6)  # residual
        self.ir2 = InvertedResidual(8, 16, 2, 6)  # strided, no residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ir2(self.ir1(x))


class SqueezeExcitation(nn.Module):
    """SE: global average pool, 1x1 reduce, activation, 1x1 expand, gate, scale."""

    def __init__(self, channels: int, squeeze: int, act: Callable[[], nn.Module], gate: Callable[[], nn.Module]):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.act = act()
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.gate = gate()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.gate(self.fc2(self.act(self.fc1(self.avgpool(x)))))
        return x * s


class MobileNetV3Block(nn.Module):
    """MobileNetV3 bneck: 1x1 expand + hardswish, 5x5 depthwise stride 2 + hardswish, SE (ReLU, hardsigmoid),
    1x1 projection; then a stride-1 bneck with residual."""

    def __init__(self) -> None:
        super().__init__()
        self.b1 = nn.Sequential(
            nn.Conv2d(8, 32, 1, bias=False),
            nn.BatchNorm2d(32),
            nn.Hardswish(),
            nn.Conv2d(32, 32, 5, 2, 2, groups=32, bias=False),
            nn.BatchNorm2d(32),
            nn.Hardswish(),
            SqueezeExcitation(32, 8, nn.ReLU, nn.Hardsigmoid),
            nn.Conv2d(32, 16, 1, bias=False),
            nn.BatchNorm2d(16),
        )
        self.b2 = nn.Sequential(
            nn.Conv2d(16, 48, 1, bias=False),
            nn.BatchNorm2d(48),
            nn.Hardswish(),
            nn.Conv2d(48, 48, 3, 1, 1, groups=48, bias=False),
            nn.BatchNorm2d(48),
            nn.Hardswish(),
            SqueezeExcitation(48, 16, nn.ReLU, nn.Hardsigmoid),
            nn.Conv2d(48, 16, 1, bias=False),
            nn.BatchNorm2d(16),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.b1(x)
        return y + self.b2(y)


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(b, -1, h, w)


class ShuffleUnit(nn.Module):
    """ShuffleNetV2 unit. stride 1: split channels in half, transform one half, concat, shuffle.
    stride 2: both branches transform the whole input (depthwise stride 2), concat, shuffle."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False),
                nn.BatchNorm2d(cin),
                nn.Conv2d(cin, half, 1, bias=False),
                nn.BatchNorm2d(half),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()
        bin_ = cin if stride > 1 else half
        self.branch2 = nn.Sequential(
            nn.Conv2d(bin_, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
            nn.Conv2d(half, half, 3, stride, 1, groups=half, bias=False),
            nn.BatchNorm2d(half),
            nn.Conv2d(half, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2Unit(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.down = ShuffleUnit(8, 16, 2)
        self.unit = ShuffleUnit(16, 16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.unit(self.down(x))


class Fire(nn.Module):
    def __init__(self, cin: int, squeeze: int, e1: int, e3: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.expand1x1 = nn.Conv2d(squeeze, e1, 1)
        self.expand3x3 = nn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.squeeze(x))
        return torch.cat([F.relu(self.expand1x1(x)), F.relu(self.expand3x3(x))], 1)


class SqueezeNetFire(nn.Module):
    """SqueezeNet 1.1 stem (3x3 stride 2 conv, MaxPool 3/2 with ceil_mode=True) and two fire modules."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.fire1 = Fire(16, 4, 8, 8)
        self.fire2 = Fire(16, 4, 8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.stem(x)))
        return self.fire2(self.fire1(x))


class DenseLayer(nn.Module):
    def __init__(self, cin: int, growth: int, bn_size: int) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        x = torch.cat(features, 1)
        x = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(self.norm2(x)))


class DenseNetBlock(nn.Module):
    """DenseNet dense block (3 layers, growth 8, BN-ReLU-1x1-BN-ReLU-3x3, concatenating all previous features)
    followed by a transition (BN-ReLU-1x1 conv, AvgPool 2x2)."""

    def __init__(self) -> None:
        super().__init__()
        cin, growth = 8, 8
        self.layers = nn.ModuleList([DenseLayer(cin + i * growth, growth, 2) for i in range(3)])
        cout = cin + 3 * growth
        self.transition = nn.Sequential(
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.Conv2d(cout, cout // 2, 1, bias=False), nn.AvgPool2d(2, 2)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.layers:
            features.append(layer(features))
        return self.transition(torch.cat(features, 1))


class InceptionBlock(nn.Module):
    """GoogLeNet-style inception: 1x1 | 1x1->3x3 | 1x1->5x5 | AvgPool 3/1/1 (count_include_pad=False)->1x1,
    concatenated, then MaxPool 3/2 with ceil_mode=True (the window past the edge is kept, as in GoogLeNet)."""

    def __init__(self) -> None:
        super().__init__()
        cin = 8
        self.b1 = nn.Sequential(nn.Conv2d(cin, 8, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(cin, 4, 1), nn.ReLU(), nn.Conv2d(4, 8, 3, padding=1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(cin, 4, 1), nn.ReLU(), nn.Conv2d(4, 8, 5, padding=2), nn.ReLU())
        self.b4 = nn.Sequential(
            nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False), nn.Conv2d(cin, 8, 1), nn.ReLU()
        )
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)
        return self.pool(y)


class UNet(nn.Module):
    """Two-level U-Net: conv blocks, MaxPool down, one up-step by ConvTranspose2d(k=2,s=2), one by
    F.interpolate(scale 2, bilinear, align_corners=False), skip connections by channel concatenation."""

    @staticmethod
    def block(cin: int, cout: int) -> nn.Sequential:
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )

    def __init__(self) -> None:
        super().__init__()
        self.enc1 = self.block(3, 8)
        self.enc2 = self.block(8, 16)
        self.mid = self.block(16, 32)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec2 = self.block(32, 16)
        self.reduce1 = nn.Conv2d(16, 8, 1)
        self.dec1 = self.block(16, 8)
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        m = self.mid(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
        u1 = F.interpolate(self.reduce1(d2), scale_factor=2, mode="bilinear", align_corners=False)
        d1 = self.dec1(torch.cat([u1, e1], 1))
        return self.head(d1)


class CausalConv1dStack(nn.Module):
    """WaveNet/TCN-style stack of dilated causal Conv1d (kernel 3, dilation 1, 2, 4), made causal by left
    padding with F.pad, gated by tanh*sigmoid, with residual connections and a 1x1 output conv."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Conv1d(4, 8, 1)
        self.dilations = [1, 2, 4]
        self.filters = nn.ModuleList([nn.Conv1d(8, 8, 3, dilation=d) for d in self.dilations])
        self.gates = nn.ModuleList([nn.Conv1d(8, 8, 3, dilation=d) for d in self.dilations])
        self.res = nn.ModuleList([nn.Conv1d(8, 8, 1) for _ in self.dilations])
        self.out = nn.Conv1d(8, 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        for d, f, g, r in zip(self.dilations, self.filters, self.gates, self.res):
            p = F.pad(h, (2 * d, 0))
            h = h + r(torch.tanh(f(p)) * torch.sigmoid(g(p)))
        return self.out(F.relu(h))


class Conv3dNet(nn.Module):
    """Small volumetric net: Conv3d+BN3d+ReLU, MaxPool3d, strided Conv3d, AvgPool3d, flatten, Linear."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(2, 8, 3, padding=1, bias=False),
            nn.BatchNorm3d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(2),
            nn.Conv3d(8, 8, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.AvgPool3d(2),
        )
        self.fc = nn.Linear(8, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.features(x), 1))


class ConvSame(nn.Module):
    """padding='same' without dilation: odd kernel 3 (symmetric pads) and even kernel 4 (PyTorch puts the extra
    pad on the right/bottom), plus a Conv1d k=4 'same'."""

    def __init__(self) -> None:
        super().__init__()
        self.c3 = nn.Conv2d(3, 8, 3, padding="same")
        self.c4 = nn.Conv2d(8, 8, 4, padding="same")
        self.c1d = nn.Conv1d(8, 4, 4, padding="same")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.c4(F.relu(self.c3(x)))
        return self.c1d(y.flatten(2))


class ConvSameDilated(nn.Module):
    """padding='same' with dilation > 1: k=3 d=2 (total pad 4, symmetric) and k=4 d=2 (total pad 6, symmetric)
    and k=2 d=3 (total pad 3: 1 left, 2 right)."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding="same", dilation=2)
        self.b = nn.Conv2d(8, 8, 4, padding="same", dilation=2)
        self.c = nn.Conv2d(8, 4, 2, padding="same", dilation=3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c(F.relu(self.b(F.relu(self.a(x)))))


class ConvPadMode(nn.Module):
    """Conv2d with padding_mode (reflect / replicate / circular), one symmetric and one asymmetric (h != w) pad."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1, padding_mode=mode)
        self.b = nn.Conv2d(8, 4, (3, 5), padding=(1, 2), padding_mode=mode, stride=(1, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(F.relu(self.a(x)))


class ClassifierHead(nn.Module):
    """Conv stem + BN + ReLU, AdaptiveAvgPool2d(1), Flatten, Linear, softmax over classes."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.fc(self.flatten(self.pool(self.stem(x)))), dim=1)


class MBConv(nn.Module):
    """EfficientNet MBConv: 1x1 expand + BN + SiLU, 3x3 depthwise + BN + SiLU, SE (SiLU, sigmoid),
    1x1 projection + BN, residual (stochastic depth is the identity in eval mode)."""

    def __init__(self) -> None:
        super().__init__()
        cin, hidden = 16, 64
        self.expand = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.SiLU())
        self.dw = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.SiLU()
        )
        self.se = SqueezeExcitation(hidden, 4, nn.SiLU, nn.Sigmoid)
        self.project = nn.Sequential(nn.Conv2d(hidden, cin, 1, bias=False), nn.BatchNorm2d(cin))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.project(self.se(self.dw(self.expand(x))))


# --------------------------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    build: Callable[[], nn.Module]
    input_shape: tuple[int, ...]  # shape of the test input; axis 0 is the batch axis (exported as dynamic)
    notes: list[str] = field(default_factory=list)


SEED_SPEC = ModelSpec(
    "seed",
    "MNIST CNN from the seed: Conv2d(1,25,3)+BatchNorm2d(25)+ReLU, MaxPool2d(2,2), Conv2d(25,50,3)+"
    "BatchNorm2d(50)+ReLU, MaxPool2d(2,2), x.view(x.size(0),-1), Linear(1250,1024)+ReLU, Linear(1024,128)+ReLU, "
    "Linear(128,10); input N x 1 x 28 x 28; BatchNorm running stats, weight and bias set to random values",
    SeedCNN,
    (2, 1, 28, 28),
)

MODEL_SPECS: list[ModelSpec] = [
    ModelSpec("resnet_basic", ResNetBasic.__doc__ or "", ResNetBasic, (2, 8, 16, 16)),
    ModelSpec(
        "resnet_bottleneck",
        "Two ResNet-50 bottlenecks (1x1 reduce, 3x3, 1x1 expand x4, BN after each conv): 16->32 channels stride 2 "
        "with projection shortcut, then 32->32 identity shortcut",
        ResNetBottleneck,
        (2, 16, 12, 12),
    ),
    ModelSpec("resnext_bottleneck", ResNeXtBottleneck.__doc__ or "", ResNeXtBottleneck, (2, 32, 8, 8)),
    ModelSpec(
        "mobilenetv2_inverted_residual",
        "Two MobileNetV2 inverted residuals (expand 6, ReLU6, depthwise 3x3): 8->8 stride 1 with residual, "
        "8->16 stride 2 without",
        MobileNetV2Block,
        (2, 8, 12, 12),
    ),
    ModelSpec("mobilenetv3_se", MobileNetV3Block.__doc__ or "", MobileNetV3Block, (2, 8, 14, 14)),
    ModelSpec(
        "shufflenetv2_unit",
        "ShuffleNetV2: a stride-2 unit (two branches, depthwise stride 2) 8->16 channels, then a stride-1 unit "
        "(chunk into halves, transform one, concat); each ends with channel shuffle (view/transpose/view, groups 2)",
        ShuffleNetV2Unit,
        (2, 8, 12, 12),
    ),
    ModelSpec("squeezenet_fire", SqueezeNetFire.__doc__ or "", SqueezeNetFire, (2, 3, 20, 20)),
    ModelSpec("densenet_block", DenseNetBlock.__doc__ or "", DenseNetBlock, (2, 8, 10, 10)),
    ModelSpec("inception_block", InceptionBlock.__doc__ or "", InceptionBlock, (2, 8, 10, 10)),
    ModelSpec("unet", UNet.__doc__ or "", UNet, (2, 3, 16, 16)),
    ModelSpec("causal_conv1d", CausalConv1dStack.__doc__ or "", CausalConv1dStack, (2, 4, 32)),
    ModelSpec("conv3d_net", Conv3dNet.__doc__ or "", Conv3dNet, (2, 2, 8, 8, 8)),
    ModelSpec("conv_same", ConvSame.__doc__ or "", ConvSame, (2, 3, 9, 10)),
    ModelSpec("conv_same_dilated", ConvSameDilated.__doc__ or "", ConvSameDilated, (2, 3, 11, 12)),
    ModelSpec(
        "conv_pad_reflect",
        "Conv2d padding_mode='reflect': 3x3 pad 1, then (3,5) kernel pad (1,2) stride (1,2)",
        lambda: ConvPadMode("reflect"),
        (2, 3, 9, 10),
    ),
    ModelSpec(
        "conv_pad_replicate",
        "Conv2d padding_mode='replicate': 3x3 pad 1, then (3,5) kernel pad (1,2) stride (1,2)",
        lambda: ConvPadMode("replicate"),
        (2, 3, 9, 10),
    ),
    ModelSpec(
        "conv_pad_circular",
        "Conv2d padding_mode='circular': 3x3 pad 1, then (3,5) kernel pad (1,2) stride (1,2)",
        lambda: ConvPadMode("circular"),
        (2, 3, 9, 10),
    ),
    ModelSpec("classifier_head", ClassifierHead.__doc__ or "", ClassifierHead, (2, 3, 12, 12)),
    ModelSpec("efficientnet_mbconv", MBConv.__doc__ or "", MBConv, (2, 16, 10, 10)),
]


def randomize_batchnorm(module: nn.Module, generator: torch.Generator) -> None:
    """Give every BatchNorm non-trivial statistics and affine parameters, so that folding BN into Conv (or
    dropping it) changes the numbers: mean ~ N(0, 0.5), var ~ U(0.25, 2.25), weight ~ +-U(0.5, 1.5),
    bias ~ N(0, 0.3)."""
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(n, generator=generator) * 0.5)
                m.running_var.copy_(torch.rand(n, generator=generator) * 2.0 + 0.25)
                sign = torch.where(torch.rand(n, generator=generator) < 0.2, -1.0, 1.0)
                m.weight.copy_(sign * (torch.rand(n, generator=generator) + 0.5))
                m.bias.copy_(torch.randn(n, generator=generator) * 0.3)


def describe(text: str) -> str:
    return " ".join(text.split())

