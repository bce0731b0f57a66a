"""Tutorial section 4: SGD (momentum, nesterov), Adagrad, per-layer learning rates, chained schedulers.

As in the tutorial, the regression model predicts shape (442, 1) against a (442,) target: MSELoss warns
about the broadcast exactly as torch does, and the loss is torch's broadcast loss.

    python examples/tutorial/t4_optim.py [--steps N]
"""

import argparse
import warnings

from _data import init_like_torch, randn
from sklearn.datasets import load_diabetes
from t1_module import LinearModel

import jtorch as torch
import jtorch.nn as nn
from jtorch.nn import Parameter
from jtorch.optim import SGD
from jtorch.optim.lr_scheduler import ExponentialLR, MultiStepLR, StepLR


def fit(make_optimizer, steps, data, target):
    """Train a fresh LinearModel with the given optimizer on the broadcasting loss; return the last loss."""
    lm = LinearModel(10)
    init_like_torch(torch, lm, seed=0)
    optim = make_optimizer(lm.parameters())
    criterion = nn.MSELoss()
    with warnings.catch_warnings():
        warnings.simplefilter("once")
        for _ in range(steps):
            loss = criterion(lm(data), target)  # (442, 1) against (442,): torch's broadcast warning
            optim.zero_grad()
            loss.backward()
            optim.step()
    return loss.item()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = nn.Linear(4, 4)
        self.classifier = nn.Linear(4, 2)

    def forward(self, x):
        return self.classifier(torch.relu(self.base(x)))


def main(steps: int = 300):
    diabetes = load_diabetes()
    data = torch.tensor(diabetes["data"], dtype=torch.float32)
    target = torch.tensor(diabetes["target"], dtype=torch.float32)
    for name, make in [
        ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
        ("momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        ("nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
        ("adagrad", lambda p: torch.optim.Adagrad(p, lr=10.0)),
    ]:
        print("{:9s} loss after {} steps: {:.3f}".format(name, steps, fit(make, steps, data, target)))

    # Per-layer learning rates: the classifier gets its own lr, the base the default one.
    model = Net()
    init_like_torch(torch, model, seed=1)
    opt = torch.optim.SGD(
        [{"params": model.base.parameters()}, {"params": model.classifier.parameters(), "lr": 1e-3}],
        lr=1e-2,
        momentum=0.9,
    )
    print([g["lr"] for g in opt.param_groups])
    scheduler = StepLR(opt, step_size=2, gamma=0.1)
    x, y = randn(torch, 8, 4, seed=2), randn(torch, 8, 2, seed=3)
    for epoch in range(3):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        scheduler.step()
        print("epoch {} loss {:.6f} lrs {}".format(epoch, loss.item(), [g["lr"] for g in opt.param_groups]))

    # Chained schedulers: ExponentialLR every epoch, MultiStepLR at its milestones.
    w = [Parameter(randn(torch, 2, 2, seed=4))]
    optimizer = SGD(w, 0.1)
    scheduler1 = ExponentialLR(optimizer, gamma=0.9)
    scheduler2 = MultiStepLR(optimizer, milestones=[5, 8], gamma=0.1)
    inp, tgt = randn(torch, 2, seed=5), randn(torch, 2, seed=6)
    for epoch in range(10):
        optimizer.zero_grad()
        loss = ((w[0] @ inp - tgt) ** 2).sum()
        loss.backward()
        optimizer.step()
        scheduler1.step()
        scheduler2.step()
        print("epoch {} loss {:.6f} lr {:.6g}".format(epoch, loss.item(), scheduler1.get_last_lr()[0]))
    return loss.item()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    main(ap.parse_args().steps)
