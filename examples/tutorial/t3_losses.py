"""Tutorial section 3: MSE, BCE, BCEWithLogits, NLL with log_softmax, and CrossEntropy (NLL and CE agree)."""

import numpy as np
from _data import randn

import jtorch as torch
import jtorch.nn as nn


def main():
    mse = nn.MSELoss()
    t1 = randn(torch, 5, seed=0).requires_grad_()
    t2 = randn(torch, 5, seed=1).requires_grad_()
    print(mse(t1, t2))

    t1s = torch.sigmoid(t1)
    t2 = torch.tensor(np.random.default_rng(2).integers(0, 2, 5)).float()  # the tutorial's torch.randint
    bce = torch.nn.BCELoss()
    print(bce(t1s, t2))
    bce_logits = nn.BCEWithLogitsLoss()
    print(bce_logits(t1, t2))  # the same value, computed stably from logits

    N = 10
    t1 = randn(torch, 5, N, seed=3).requires_grad_()
    t2 = torch.tensor(np.random.default_rng(4).integers(0, N, 5))
    t1s = torch.nn.functional.log_softmax(t1, -1)
    nll = nn.NLLLoss()
    ce = nn.CrossEntropyLoss()
    a, b = nll(t1s, t2), ce(t1, t2)
    print(a, b)
    assert torch.allclose(a, b)
    b.backward()
    print(t1.grad[0])  # (softmax - one-hot) / batch size
    return a.item()


if __name__ == "__main__":
    main()
