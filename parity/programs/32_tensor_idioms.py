"""Tensor idioms from research code: einsum, gather/scatter_/scatter_add_/index_add_, masked and repeated-index
assignment, where, topk/sort/argsort/unique, cumsum/cumprod, masked_fill, repeat/expand/tile, chunk/split/unbind,
stack/cat, in-place writes through views and slices, clone().detach()."""

import numpy as np
import torch

rs = np.random.RandomState(0)
a = torch.from_numpy(rs.randn(3, 4).astype(np.float32))
b = torch.from_numpy(rs.randn(4, 5).astype(np.float32))
print("einsum ij,jk", torch.einsum("ij,jk->ik", a, b).sum().item())
bat = torch.from_numpy(rs.randn(2, 3, 4).astype(np.float32))
print("einsum bij,bkj", torch.einsum("bij,bkj->bik", bat, bat).round(decimals=4))
print("einsum outer", torch.einsum("i,j->ij", a[0], a[1]).shape)
idx = torch.tensor([[0, 2], [1, 3], [3, 0]])
print("gather", torch.gather(a, 1, idx))
out = torch.zeros(3, 5)
out.scatter_(1, torch.tensor([[0, 1], [2, 3], [4, 0]]), 1.0)
print("scatter_ value", out)
src = torch.arange(6, dtype=torch.float32).reshape(3, 2)
out2 = torch.zeros(3, 5).scatter_add_(1, torch.tensor([[0, 0], [2, 2], [4, 1]]), src)
print("scatter_add_", out2)
out3 = torch.zeros(3, 5).scatter_(1, torch.tensor([[0, 1], [2, 3], [4, 0]]), src, reduce="add")
print("scatter reduce add", out3)
print(
    "scatter_reduce",
    torch.zeros(5).scatter_reduce(
        0, torch.tensor([0, 0, 1, 3]), torch.tensor([1.0, 5.0, 2.0, 3.0]), reduce="amax", include_self=False
    ),
)
acc = torch.zeros(4, 3)
acc.index_add_(0, torch.tensor([0, 2, 0]), torch.ones(3, 3) * 2, alpha=0.5)
print("index_add_", acc)
x = torch.from_numpy(rs.randn(6).astype(np.float32))
x[x < 0] = 0.0
print("mask assign", x)
cnt = torch.zeros(5, dtype=torch.long)
i = torch.tensor([1, 1, 3])
cnt[i] += 1
print("repeated idx +=", cnt)
cnt.index_put_((i,), torch.tensor(1), accumulate=True)
print("index_put accumulate", cnt)
print("where", torch.where(a > 0, a, torch.zeros_like(a)).sum().item())
print("where scalar", torch.where(a > 0, a, 0.0).dtype)
print("nonzero where", torch.where(a > 0.5))
v, ix = torch.topk(a, 2, dim=1)
print("topk", v, ix)
v, ix = torch.topk(a.flatten(), 3, largest=False)
print("topk smallest", v, ix)
s, si = torch.sort(a, dim=0, descending=True)
print("sort", s, si)
print("argsort", torch.argsort(a[0]))
u, c = torch.unique(torch.tensor([3, 1, 2, 3, 1, 3]), return_counts=True)
print("unique", u, c)
u, inv = torch.unique(torch.tensor([3, 1, 2, 3]), return_inverse=True, sorted=True)
print("unique inv", u, inv)
print("cumsum", torch.cumsum(a, dim=1))
print("cumprod", torch.cumprod(a[0], 0))
print("cumsum int dtype", torch.cumsum(torch.tensor([1, 2, 3]), 0).dtype)
print("masked_fill", a.masked_fill(a < 0, float("-inf")).softmax(-1))
m = torch.tril(torch.ones(3, 3)).bool()
print("masked_fill_ causal", torch.zeros(3, 3).masked_fill_(~m, -1e9))
print("repeat", torch.tensor([1, 2]).repeat(2, 3))
print("expand", torch.tensor([[1], [2]]).expand(2, 3), torch.tensor([[1], [2]]).expand(-1, 4).shape)
print("tile", torch.tile(torch.tensor([1, 2]), (2,)))
print(
    "repeat_interleave",
    torch.repeat_interleave(torch.tensor([1, 2]), 2),
    torch.tensor([1, 2, 3]).repeat_interleave(torch.tensor([1, 0, 2])),
)
for ch in torch.chunk(torch.arange(7), 3):
    print("chunk", ch)
print("split", torch.split(torch.arange(7), [2, 5]), torch.arange(7).split(3))
print("unbind", torch.unbind(a[:2], dim=0))
print(
    "stack/cat",
    torch.stack([a[0], a[1]], dim=1).shape,
    torch.cat([a, a], dim=-1).shape,
    torch.cat((a[:1], a[1:]), 0).shape,
)
y = torch.zeros(4, 4)
y[1:3, 1:3] += 5
y[:, 0].fill_(2)
row = y[3]
row.mul_(0).add_(7)
y.t()[0, 1] = -1
y.diagonal().add_(100)
print("view inplace", y)
z = a.clone().detach()
z.add_(1)
print("clone detach", torch.allclose(z - 1, a), z.requires_grad)
p = torch.nn.functional.one_hot(torch.tensor([0, 2, 1]), num_classes=4)
print("one_hot", p, p.dtype)
print("argmax", a.argmax(dim=1, keepdim=True), a.max(dim=0))
print("narrow", a.narrow(1, 1, 2).shape, a.unflatten(1, (2, 2)).shape, a.flatten(0).shape)
print("masked_select", torch.masked_select(a, a > 0.5))
print("index_select", a.index_select(1, torch.tensor([3, 0])))
print("median", torch.median(torch.tensor([3.0, 1.0, 2.0, 4.0])), torch.tensor([[3.0, 1.0, 2.0, 4.0]]).median(dim=1))
