"""A torchvision-style ResNet (BasicBlock, downsample, kaiming init) with BatchNorm: train steps with nesterov
SGD and label smoothing, running stats, eval + torch.inference_mode() inference (inference tensors), BN momentum=None,
state_dict round trip, freezing BN for fine-tuning, conv-bn fusion for inference."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.RandomState(5)


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(
        in_planes,
        out_planes,
        kernel_size=3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        out = self.relu(out)
        return out


class TinyResNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.inplanes = 4
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(4, 1)
        self.layer2 = self._make_layer(8, 1, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        for m in self.modules():
            if isinstance(m, BasicBlock) and m.bn2.weight is not None:
                nn.init.constant_(m.bn2.weight, 0.5)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


model = TinyResNet()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "conv" in name or "downsample.0" in name or "fc" in name:
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, p.shape).astype(np.float32)))
print(sum(p.numel() for p in model.parameters()), sum(b.numel() for b in model.buffers()))
print([n for n, _ in model.named_buffers()][:4])
x = torch.from_numpy(rng.randn(6, 1, 8, 8).astype(np.float32))
y = torch.tensor([0, 1, 2, 0, 1, 2])
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
for step in range(3):
    model.train()
    opt.zero_grad(set_to_none=True)
    out = model(x)
    loss = F.cross_entropy(out, y, label_smoothing=0.1)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f}")
print(model.bn1.running_mean, model.bn1.running_var, model.bn1.num_batches_tracked)
print(model.layer2[0].downsample[1].running_var)
model.eval()
print(model.training, model.layer1[0].bn1.training)
with torch.inference_mode():
    logits = model(x)
    probs = logits.softmax(dim=1)
    print(logits.requires_grad, torch.is_inference_mode_enabled(), logits.is_inference())
    print(probs)
    top_p, top_class = probs.topk(1, dim=1)
    print(top_class.view(-1), (top_class.view(-1) == y).float().mean())
print(torch.is_inference_mode_enabled())
try:
    logits.requires_grad_(True)
    print(logits.requires_grad)
except RuntimeError as e:
    print("RuntimeError:", e)
# bn in eval: no buffer update
before = model.bn1.running_mean.clone()
with torch.no_grad():
    model(x * 2)
print(torch.equal(before, model.bn1.running_mean))
# momentum=None cumulative average, track_running_stats=False
bn = nn.BatchNorm2d(4, momentum=None)
for i in range(3):
    bn(x.repeat(1, 4, 1, 1) * (i + 1))
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn2 = nn.BatchNorm1d(3, affine=False, track_running_stats=False).eval()
print(bn2(torch.tensor([[1.0, 2.0, 3.0], [3.0, 5.0, 9.0]])), bn2.running_mean)
sd = model.state_dict()
print(len(sd), sd["bn1.num_batches_tracked"], sd["bn1.num_batches_tracked"].dtype)
model2 = TinyResNet()
model2.load_state_dict(sd)
model2.eval()
with torch.inference_mode():
    print(torch.allclose(model2(x), logits))
# freeze BN (fine-tuning style)
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.eval()
        m.weight.requires_grad_(False)
        m.bias.requires_grad_(False)
model.fc.train()
print(sum(p.numel() for p in model.parameters() if p.requires_grad))

# fold the stem's BN into its conv for inference
fused = torch.nn.utils.fusion.fuse_conv_bn_eval(model.conv1, model.bn1)
with torch.no_grad():
    print(torch.allclose(fused(x), model.bn1(model.conv1(x)), atol=1e-5), fused.bias)
