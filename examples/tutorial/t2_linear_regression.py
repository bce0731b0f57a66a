"""Tutorial section 2: linear regression with SGD on scikit-learn's bundled diabetes data.

The tutorial's loop (``zero_grad``, ``backward``, ``step``), printing the loss every 1000 steps.
The tutorial used ``load_boston``, which scikit-learn no longer ships; the diabetes set (442 x 10,
features already centred and scaled) is bundled and needs no download.

    python examples/tutorial/t2_linear_regression.py [--steps N]
"""

import argparse

from _data import randn
from sklearn.datasets import load_diabetes
from t1_module import LinearModel

import jtorch as torch
import jtorch.nn as nn


def main(steps: int = 10000) -> float:
    diabetes = load_diabetes()
    lm = LinearModel(10)
    with torch.no_grad():  # the tutorial's torch.randn init, drawn from numpy so torch and jtorch agree
        lm.weight.copy_(randn(torch, 10, 1, seed=0))
        lm.bias.copy_(randn(torch, 1, seed=1))
    criterion = nn.MSELoss()
    optim = torch.optim.SGD(lm.parameters(), lr=0.5)
    data = torch.tensor(diabetes["data"], dtype=torch.float32)
    target = torch.tensor(diabetes["target"], dtype=torch.float32)
    for step in range(steps):
        predict = lm(data)
        loss = criterion(predict.squeeze(1), target)
        if step % 1000 == 0:
            print("step {:5d} loss {:.3f}".format(step, loss.item()))
        optim.zero_grad()
        loss.backward()
        optim.step()
    print("final loss {:.3f}".format(loss.item()))
    print("bias {:.3f}".format(lm.bias.item()))
    return loss.item()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10000)
    main(ap.parse_args().steps)
