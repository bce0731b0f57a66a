"""Tutorial section 3: SGD on the (stand-in) Boston data, per-layer learning rates, chained schedulers.

As in the tutorial, the model predicts shape (506, 1) against a (506,) target: MSELoss warns
about the broadcast exactly as torch does, and the loss is torch's broadcast loss.
"""

import warnings

import jtorch as torch
import jtorch.nn as nn
from jtorch.nn import Parameter
from jtorch.optim import SGD
from jtorch.optim.lr_scheduler import ExponentialLR, MultiStepLR, StepLR

try:
    from _boston import load_boston
except ImportError:  # run as a module
    from examples.tutorial._boston import load_boston

from t1_module import LinearModel


def main(steps: int = 10000):
    torch.manual_seed(0)
    boston = load_boston()
    lm = LinearModel(13)
    criterion = nn.MSELoss()
    optim = torch.optim.SGD(lm.parameters(), lr=1e-6)
    data = torch.tensor(boston["data"], requires_grad=True, dtype=torch.float32)
    target = torch.tensor(boston["target"], dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("once")
        for step in range(steps):
            predict = lm(data)
            loss = criterion(predict, target)
            if step and step % 1000 == 0:
                print("Loss: {:.3f}".format(loss.item()))
            optim.zero_grad()
            loss.backward()
            optim.step()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.base = nn.Linear(4, 4)
            self.classifier = nn.Linear(4, 2)

    model = Net()
    opt = torch.optim.SGD([{"params": model.base.parameters()}, {"params": model.classifier.parameters(), "lr": 1e-3}], lr=1e-2, momentum=0.9)
    print([g["lr"] for g in opt.param_groups])
    scheduler = StepLR(opt, step_size=30, gamma=0.1)
    for _epoch in range(3):
        opt.step()
        scheduler.step()

    model = [Parameter(torch.randn(2, 2, requires_grad=True))]
    optimizer = SGD(model, 0.1)
    scheduler1 = ExponentialLR(optimizer, gamma=0.9)
    scheduler2 = MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)
    for _epoch in range(20):
        for inp, tgt in [(torch.randn(2), torch.randn(2))]:
            optimizer.zero_grad()
            output = model[0] @ inp
            loss = ((output - tgt) ** 2).sum()
            loss.backward()
            optimizer.step()
        scheduler1.step()
        scheduler2.step()
    print(scheduler1.get_last_lr())
    return loss.item()


if __name__ == "__main__":
    main()
