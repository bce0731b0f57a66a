"""Transfer-learning style: a "pretrained" backbone loaded from a state_dict, frozen (requires_grad_(False)),
a replaced head, an optimizer over the trainable params only, then fine-tuning everything with param groups
(smaller lr for the backbone) and eval-mode BatchNorm."""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(11)


def numpy_init(model):
    with torch.no_grad():
        for _name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))


class Net(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten()
        )
        self.fc = nn.Linear(24, num_classes)

    def forward(self, x):
        return self.fc(self.features(x))


pretrained = Net(5)
numpy_init(pretrained)
path = os.path.join(tempfile.mkdtemp(), "pretrained.pt")
torch.save(pretrained.state_dict(), path)

model = Net(5)
model.load_state_dict(torch.load(path))
for param in model.parameters():
    param.requires_grad = False
model.fc = nn.Linear(model.fc.in_features, 2)  # new head: requires_grad=True
numpy_init(model.fc)
print([n for n, p in model.named_parameters() if p.requires_grad])
print(sum(p.numel() for p in model.parameters() if p.requires_grad), "trainable")

X = torch.from_numpy(rng.normal(size=(8, 3, 6, 6)).astype(np.float32))
Y = torch.from_numpy((X.numpy().mean(axis=(1, 2, 3)) > 0).astype(np.int64))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
model.train()
for epoch in range(4):
    optimizer.zero_grad()
    loss = criterion(model(X), Y)
    loss.backward()
    optimizer.step()
    print(f"head-only epoch {epoch} loss {loss.item():.6f} backbone grad {model.features[0].weight.grad}")

# unfreeze and fine-tune with two param groups
for param in model.features.parameters():
    param.requires_grad_(True)
optimizer = torch.optim.Adam(
    [{"params": model.features.parameters(), "lr": 1e-4}, {"params": model.fc.parameters()}], lr=1e-2
)
exp_lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
for epoch in range(4):
    optimizer.zero_grad()
    loss = criterion(model(X), Y)
    loss.backward()
    optimizer.step()
    exp_lr_scheduler.step()
    print(f"finetune epoch {epoch} loss {loss.item():.6f} lrs {[g['lr'] for g in optimizer.param_groups]}")
model.eval()
with torch.no_grad():
    preds = model(X).argmax(1)
print("accuracy", (preds == Y).float().mean().item(), model.features[1].running_mean)
