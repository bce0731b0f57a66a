"""Tutorial section 7: log a training run to TensorBoard: scalars, histograms, the graph, a PR curve.

Open it with ``tensorboard --logdir runs`` (or the directory given with --logdir) and browse to
http://localhost:6006.

    python examples/tutorial/t7_tensorboard.py [--steps N] [--logdir DIR]
"""

import argparse

import numpy as np
from _data import randn
from sklearn.datasets import load_diabetes
from t1_module import LinearModel

import jtorch as torch
import jtorch.nn as nn
from jtorch.utils.tensorboard import SummaryWriter


def main(steps: int = 2000, log_dir=None):
    diabetes = load_diabetes()
    lm = LinearModel(10)
    with torch.no_grad():
        lm.weight.copy_(randn(torch, 10, 1, seed=0))
        lm.bias.copy_(randn(torch, 1, seed=1))
    criterion = nn.MSELoss()
    optim = torch.optim.SGD(lm.parameters(), lr=0.5)
    data = torch.tensor(diabetes["data"], dtype=torch.float32)
    target = torch.tensor(diabetes["target"], dtype=torch.float32)
    writer = SummaryWriter(log_dir)  # default: runs/<date>_<host>
    writer.add_graph(lm, (data,))
    for step in range(steps):
        predict = lm(data)
        loss = criterion(predict.squeeze(1), target)
        writer.add_scalar("Loss/train", loss, step)
        if step % 100 == 0:
            writer.add_histogram("Param/weight", lm.weight, step)
            writer.add_histogram("Param/bias", lm.bias, step)
        if step % 500 == 0:
            print("step {:5d} loss {:.3f}".format(step, loss.item()))
        optim.zero_grad()
        loss.backward()
        optim.step()
    # A PR curve: how well the prediction separates above-median targets from the rest.
    with torch.no_grad():
        score = torch.sigmoid((lm(data).squeeze(1) - target.median()) / target.std())
    labels = (target > target.median()).numpy().astype(np.int64)
    writer.add_pr_curve("above_median", labels, score, 0)
    writer.close()
    print("logged to", "<logdir>" if log_dir is None else log_dir, "- open with: tensorboard --logdir runs")
    return writer.get_logdir()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--logdir", default=None)
    args = ap.parse_args()
    main(args.steps, args.logdir)
