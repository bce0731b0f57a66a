"""Tutorial section 5: a map-style Dataset, an IterableDataset sharded with get_worker_info, and DataLoader
with shuffle, num_workers, drop_last and a custom collate_fn.

Shuffled order comes from the random stream, which differs between torch and jtorch, so for shuffled
batches the script prints what does not depend on it (batch shapes, each epoch's sorted contents).

    python examples/tutorial/t5_data.py [--workers N]
"""

import argparse
import math

import jtorch as torch
from jtorch.utils.data import DataLoader, Dataset


class MyIterableDataset(torch.utils.data.IterableDataset):
    def __init__(self, start, end):
        super(MyIterableDataset).__init__()
        assert end > start, "this example code only works with end >= start"
        self.start = start
        self.end = end

    def __iter__(self):
        worker_info = torch.utils.data.get_worker_info()
        if worker_info is None:  # single-process loading: the whole range
            iter_start = self.start
            iter_end = self.end
        else:  # in a worker process: split the range between the workers
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            worker_id = worker_info.id
            iter_start = self.start + worker_id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))


class Squares(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        return {"x": torch.tensor([float(i)]), "y": i * i}


def pad_collate(batch):
    """A custom collate_fn: pad variable-length sequences to the longest one and keep their lengths."""
    lengths = torch.tensor([len(seq) for seq in batch])
    out = torch.zeros(len(batch), int(lengths.max()), dtype=torch.long)
    for i, seq in enumerate(batch):
        out[i, : len(seq)] = torch.tensor(seq)
    return out, lengths


def main(workers: int = 2):
    ds = MyIterableDataset(start=3, end=7)
    print(list(DataLoader(ds, num_workers=0)))
    print(list(DataLoader(ds, num_workers=workers)))  # each worker yields its own shard

    for batch in DataLoader(Squares(), batch_size=4):
        print(batch)
    seen = []
    for batch in DataLoader(Squares(), batch_size=4, shuffle=True, drop_last=True):
        print("shuffled batch", tuple(batch["x"].shape), batch["y"].dtype)
        seen += batch["y"].tolist()
    print("drop_last kept", len(seen), "of 10 samples")

    sampler = torch.utils.data.BatchSampler(
        torch.utils.data.SequentialSampler(range(10)), batch_size=3, drop_last=False
    )
    print(list(sampler))

    sequences = [[1, 2, 3], [4], [5, 6], [7, 8, 9, 10]]
    for padded, lengths in DataLoader(sequences, batch_size=2, collate_fn=pad_collate):
        print(padded, lengths)
    return [int(x) for x in DataLoader(ds, num_workers=workers)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    main(ap.parse_args().workers)
