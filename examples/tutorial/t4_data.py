"""Tutorial section 4: map-style and iterable datasets, samplers, batching, workers."""

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
        if worker_info is None:
            iter_start = self.start
            iter_end = self.end
        else:
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


def main(workers: int = 2):
    ds = MyIterableDataset(start=3, end=7)
    print(list(DataLoader(ds, num_workers=0)))
    print(list(DataLoader(ds, num_workers=workers)))
    for batch in DataLoader(Squares(), batch_size=4, shuffle=True, drop_last=True):
        print(batch)
    sampler = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), batch_size=3, drop_last=False)
    print(list(sampler))
    return [int(x) for x in DataLoader(ds, num_workers=workers)]


if __name__ == "__main__":
    main()
