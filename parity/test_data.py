"""torch.utils.data parity: the same datasets, samplers and loaders give the same batches as torch.

Shuffled orders come from different RNGs (JAX vs torch), so for those the tests check the
properties torch guarantees (a permutation per epoch, reproducible from the seed, new each epoch)
rather than equality.
"""

import collections
import math
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from opinfo import assert_same, covers

import jtorch
import jtorch.utils.data as jud

torch.set_num_threads(1)

Point = collections.namedtuple("Point", ["x", "y"])


class MapDS:
    """A dataset class usable by both libraries (samples of mixed Python/numpy types)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {
            "f": float(i) / 2,
            "i": i,
            "b": i % 2 == 0,
            "arr": np.full((2,), i, np.float32),
            "s": f"item{i}",
            "tup": (i, float(i)),
            "pt": Point(i, np.int32(i)),
        }


def _same_batches(t_loader, j_loader):
    t_batches, j_batches = list(t_loader), list(j_loader)
    assert len(t_batches) == len(j_batches)
    for tb, jb in zip(t_batches, j_batches):
        _same_structure(tb, jb)
    return len(t_batches)


def _same_structure(t, j):
    if isinstance(t, torch.Tensor):
        assert_same(t, j, 0, 0, "batch")
    elif isinstance(t, dict):
        assert type(t) is type(j) and list(t) == list(j)
        for k in t:
            _same_structure(t[k], j[k])
    elif isinstance(t, (list, tuple)):
        assert type(t) is type(j), (type(t), type(j))
        assert len(t) == len(j)
        for a, b in zip(t, j):
            _same_structure(a, b)
    else:
        assert t == j


@covers(
    "utils.data.DataLoader", "utils.data.default_collate", "utils.data.SequentialSampler", "utils.data.BatchSampler"
)
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (None, False)])
def test_map_dataset_batches_and_collate(batch_size, drop_last):
    ds = MapDS(7)
    t = tud.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    j = jud.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    assert len(t) == len(j)
    assert _same_batches(t, j) == len(t)


@covers("utils.data.TensorDataset", "utils.data.Subset", "utils.data.ConcatDataset", "utils.data.StackDataset")
def test_tensor_concat_subset_stack_datasets():
    x = np.arange(24, dtype=np.float32).reshape(12, 2)
    y = np.arange(12)
    tds = tud.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    jds = jud.TensorDataset(jtorch.from_numpy(x), jtorch.from_numpy(y))
    for tb, jb in [(tds, jds), (tud.Subset(tds, [5, 1, 7]), jud.Subset(jds, [5, 1, 7])), (tds + tds, jds + jds)]:
        assert len(tb) == len(jb)
        _same_batches(tud.DataLoader(tb, batch_size=5), jud.DataLoader(jb, batch_size=5))
    assert_same(tud.ConcatDataset([tds, tds])[-1][0], jud.ConcatDataset([jds, jds])[-1][0], 0, 0)
    st = tud.StackDataset(a=tds, b=tds)
    sj = jud.StackDataset(a=jds, b=jds)
    _same_batches(tud.DataLoader(st, batch_size=4), jud.DataLoader(sj, batch_size=4))
    with pytest.raises(ValueError):
        jud.StackDataset(jds, jud.Subset(jds, [1]))


@covers("utils.data.default_convert", "utils.data.default_collate")
def test_collate_rules_and_errors():
    samples = [
        [1, 2.5, True, np.float64(3), np.array([1, 2], np.int16), "a"],
        [3, 4.5, False, np.float64(4), np.array([3, 4], np.int16), "b"],
    ]
    _same_structure(tud.default_collate(samples), jud.default_collate(samples))
    _same_structure(
        tud.default_convert([np.ones(2), (np.zeros(1), "x")]), jud.default_convert([np.ones(2), (np.zeros(1), "x")])
    )
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        jud.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        jud.default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        jud.default_collate([jtorch.zeros(2), jtorch.zeros(3)])


@covers("utils.data.RandomSampler")
def test_shuffle_is_a_new_permutation_each_epoch_and_reproducible():
    ds = jud.TensorDataset(jtorch.arange(50))
    jtorch.manual_seed(0)
    loader = jud.DataLoader(ds, batch_size=10, shuffle=True)
    e1 = jtorch.cat([b[0] for b in loader]).tolist()
    e2 = jtorch.cat([b[0] for b in loader]).tolist()
    assert sorted(e1) == list(range(50)) and sorted(e2) == list(range(50))
    assert e1 != e2 and e1 != list(range(50))
    jtorch.manual_seed(0)
    assert jtorch.cat([b[0] for b in loader]).tolist() == e1
    g = jtorch.Generator().manual_seed(3)
    a = [b[0].tolist() for b in jud.DataLoader(ds, batch_size=10, shuffle=True, generator=g)]
    g.manual_seed(3)
    assert [b[0].tolist() for b in jud.DataLoader(ds, batch_size=10, shuffle=True, generator=g)] == a


@covers("utils.data.random_split", "utils.data.SubsetRandomSampler", "utils.data.WeightedRandomSampler")
def test_random_split_and_samplers():
    ds = list(range(10))
    parts = jud.random_split(ds, [0.3, 0.7], generator=jtorch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [len(p) for p in tud.random_split(ds, [0.3, 0.7])]
    assert sorted(parts[0].indices + parts[1].indices) == ds
    with pytest.raises(ValueError, match="Sum of input lengths"):
        jud.random_split(ds, [3, 3])
    assert sorted(jud.SubsetRandomSampler([4, 8, 9])) == [4, 8, 9]
    w = list(jud.WeightedRandomSampler([0.0, 0.0, 1.0], 5))
    assert w == [2] * 5
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        jud.WeightedRandomSampler([1.0], 0)


@covers("utils.data.DistributedSampler")
def test_distributed_sampler_shards_like_torch():
    ds = list(range(11))
    for drop_last in (False, True):
        t = [
            list(tud.DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False, drop_last=drop_last))
            for r in range(3)
        ]
        j = [
            list(jud.DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False, drop_last=drop_last))
            for r in range(3)
        ]
        assert t == j
    s = jud.DistributedSampler(ds, num_replicas=2, rank=0, shuffle=True, seed=5)
    first = list(s)
    s.set_epoch(1)
    assert list(s) != first and len(first) == len(s) == 6


@covers("utils.data.Dataset", "utils.data.IterableDataset", "utils.data.ChainDataset", "utils.data.get_worker_info")
def test_iterable_dataset_batching():
    class R(jud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            assert jud.get_worker_info() is None
            return iter(range(self.n))

        def __len__(self):
            return self.n

    class TR(tud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    for bs, dl in [(None, False), (3, False), (3, True)]:
        t = tud.DataLoader(TR(8), batch_size=bs, drop_last=dl)
        j = jud.DataLoader(R(8), batch_size=bs, drop_last=dl)
        assert len(t) == len(j)
        _same_batches(t, j)
    _same_batches(tud.DataLoader(TR(3) + TR(2), batch_size=2), jud.DataLoader(R(3) + R(2), batch_size=2))


def test_argument_errors_match_torch():
    ds = MapDS(4)
    cases = [
        dict(num_workers=-1),
        dict(timeout=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(sampler=tud.SequentialSampler(ds), shuffle=True),
        dict(batch_sampler=[[0, 1]], batch_size=2),
        dict(batch_size=None, drop_last=True),
    ]
    for kw in cases:
        kw_j = {k: (jud.SequentialSampler(ds) if isinstance(v, tud.SequentialSampler) else v) for k, v in kw.items()}
        with pytest.raises(ValueError) as te:
            tud.DataLoader(ds, **kw)
        with pytest.raises(ValueError) as je:
            jud.DataLoader(ds, **kw_j)
        assert str(te.value) == str(je.value), kw
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        jud.BatchSampler(range(3), 0, False)


def test_len_with_batch_sampler_and_drop_last():
    ds = MapDS(10)
    for bs, dl in [(3, True), (3, False), (10, False), (11, True)]:
        assert len(jud.DataLoader(ds, batch_size=bs, drop_last=dl)) == len(
            tud.DataLoader(ds, batch_size=bs, drop_last=dl)
        )
    assert len(jud.DataLoader(ds, batch_sampler=[[0, 1], [2]])) == 2


class Squares(jud.Dataset):
    def __len__(self):
        return 9

    def __getitem__(self, i):
        return np.float32(i * i), i


class Shards(jud.IterableDataset):
    """The tutorial's IterableDataset: each worker reads its own part of [start, end)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = jud.get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


class TShards(tud.IterableDataset):
    """``Shards`` for torch's loader (the same split, with torch's get_worker_info)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = tud.get_worker_info()
        per = int(math.ceil((self.end - self.start) / float(info.num_workers)))
        lo = self.start + info.id * per
        return iter(range(lo, min(lo + per, self.end)))


@covers("utils.data.get_worker_info")
def test_workers_keep_order_and_shard_iterables():
    """Worker processes (persistent, two epochs each): torch's batches in torch's order, for a
    map-style dataset and for the tutorial's worker-sharded IterableDataset (torch's interleaving)."""
    with warnings.catch_warnings():
        # torch forks its workers; JAX warns about fork, but they run no JAX (numpy items only).
        warnings.simplefilter("ignore")
        torch_map = list(tud.DataLoader(Squares(), batch_size=2, num_workers=2))
        torch_shards = [int(x) for x in tud.DataLoader(TShards(3, 7), num_workers=2)]
        assert torch_shards == [3, 5, 4, 6]
        j_map = jud.DataLoader(Squares(), batch_size=2, num_workers=2, persistent_workers=True)
        j_shards = jud.DataLoader(Shards(3, 7), num_workers=2, persistent_workers=True)
        for _ in range(2):
            multi = list(j_map)
            assert len(multi) == len(torch_map) == 5
            for t, j in zip(torch_map, multi):
                _same_structure(t, j)
            assert [int(x) for x in j_shards] == torch_shards
