"""Tutorial section 1: nn.Module, nn.Parameter, named_parameters, train/eval, buffers, apply."""

from _data import randn

import jtorch as torch
import jtorch.nn as nn


class LinearModel(nn.Module):
    def __init__(self, ndim):
        super(LinearModel, self).__init__()
        self.ndim = ndim
        self.weight = nn.Parameter(torch.randn(ndim, 1))
        self.bias = nn.Parameter(torch.randn(1))

    def forward(self, x):
        return x.mm(self.weight) + self.bias


def main():
    lm = LinearModel(5)
    with torch.no_grad():  # numpy-seeded values, so a torch run prints the same numbers
        lm.weight.copy_(randn(torch, 5, 1, seed=1))
        lm.bias.copy_(randn(torch, 1, seed=2))
    x = randn(torch, 4, 5, seed=3)
    print(lm(x))
    print(lm.named_parameters())
    print(list(lm.named_parameters()))
    print(list(lm.parameters()))
    if torch.cuda.is_available():
        lm.cuda()
        x = x.cuda()
    lm.register_buffer("running", torch.zeros(1))
    print(list(lm.named_buffers()))
    lm.train()
    lm.eval()
    lm.apply(lambda m: print(type(m).__name__, m.training))
    return lm(x).shape


if __name__ == "__main__":
    main()
