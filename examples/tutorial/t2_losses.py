"""Tutorial section 2: MSE, BCE, BCEWithLogits, NLL and CrossEntropy."""

import jtorch as torch
import jtorch.nn as nn


def main():
    torch.manual_seed(0)
    mse = nn.MSELoss()
    t1 = torch.randn(5, requires_grad=True)
    t2 = torch.randn(5, requires_grad=True)
    print(mse(t1, t2))

    t1s = torch.sigmoid(t1)
    t2 = torch.randint(0, 2, (5,)).float()
    bce = torch.nn.BCELoss()
    print(bce(t1s, t2))
    bce_logits = nn.BCEWithLogitsLoss()
    print(bce_logits(t1, t2))

    N = 10
    t1 = torch.randn(5, N, requires_grad=True)
    t2 = torch.randint(0, N, (5,))
    t1s = torch.nn.functional.log_softmax(t1, -1)
    nll = nn.NLLLoss()
    ce = nn.CrossEntropyLoss()
    a, b = nll(t1s, t2), ce(t1, t2)
    print(a, b)
    assert torch.allclose(a, b)
    return a.item()


if __name__ == "__main__":
    main()
