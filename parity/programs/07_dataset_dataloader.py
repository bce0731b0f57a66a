"""A map-style Dataset, DataLoader with batching, drop_last and a custom collate_fn."""

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


class Squares(Dataset):
    def __init__(self, n):
        self.x = np.arange(n, dtype=np.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return torch.tensor([self.x[i]]), torch.tensor(self.x[i] ** 2)


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys), len(batch)


ds = Squares(10)
print(len(ds), ds[3])
for xb, yb in DataLoader(ds, batch_size=4):
    print("default", xb.shape, yb)
for xb, yb, n in DataLoader(ds, batch_size=3, collate_fn=collate, drop_last=True):
    print("custom", xb.squeeze(1), yb, n)
td = TensorDataset(torch.arange(6.0).view(6, 1), torch.arange(6))
for x, y in DataLoader(td, batch_size=4, shuffle=False):
    print("tensordataset", x.sum().item(), y)
