"""Helpers shared by the tutorial scripts: numpy-seeded tensors, so torch and jtorch runs compare.

Random numbers drawn with ``torch.randn`` differ between PyTorch and jtorch (different generators), so
wherever a printed number depends on them the scripts draw from numpy with a fixed seed instead;
``python -m jtorch.parity examples/tutorial/tN_*.py`` then finds the same numbers in both runs.
"""

import numpy as np


def randn(torch, *shape, seed=0):
    """A float32 tensor of standard normal draws from numpy's generator ``seed``."""
    return torch.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=torch.float32)


def init_like_torch(torch, module, seed=0):
    """Overwrite every parameter of ``module`` with uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) numpy draws."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            fan_in = p.shape[1] if p.dim() > 1 else p.shape[0]
            bound = 1.0 / np.sqrt(fan_in)
            p.copy_(torch.tensor(rng.uniform(-bound, bound, tuple(p.shape)), dtype=torch.float32))
