"""Tensors: creation, dtypes, arithmetic, indexing, reductions, matmul and printing."""

import numpy as np
import torch

a = torch.from_numpy(np.arange(12, dtype=np.float32).reshape(3, 4))
b = torch.ones(3, 4) * 0.5
print(a)
print(a.dtype, a.shape, a.ndim, a.numel())
print(a + b)
print((a * b).sum(), a.mean(), a.std(), a.max(), a.argmin())
print(a[1], a[:, 2], a[a > 5])
print(a.sum(dim=0), a.mean(dim=1, keepdim=True))
print(a @ a.T)
print(torch.zeros(2, 3, dtype=torch.int64), torch.eye(3))
print(torch.linspace(0, 1, 5), torch.arange(0, 10, 3))
c = a.view(4, 3).transpose(0, 1).reshape(-1)
print(c)
print(torch.cat([a, b]).shape, torch.stack([a, b]).shape)
print(a.to(torch.int32), a.to(torch.float64).dtype)
x = torch.tensor([[1.5, -2.25], [3.0, 4.125]])
print(x.abs(), x.exp(), torch.sqrt(x.abs()), x.clamp(min=0))
print(x.numpy(), x.tolist(), x[0, 1].item())
