"""Tutorial section 1: nn.Module, nn.Parameter, named_parameters, train/eval, buffers, apply."""

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
    torch.manual_seed(0)
    lm = LinearModel(5)
    x = torch.randn(4, 5)
    print(lm(x))
    print(lm.named_parameters())
    print(list(lm.named_parameters()))
    print(list(lm.parameters()))
    if torch.cuda.is_available():
        lm.cuda()
    lm.register_buffer("running", torch.zeros(1))
    print(list(lm.named_buffers()))
    lm.train()
    lm.eval()
    lm.apply(lambda m: print(type(m).__name__, m.training))
    return lm(x).shape


if __name__ == "__main__":
    main()
