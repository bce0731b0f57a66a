"""Tutorial section 6: log a training run to TensorBoard (loss, histograms, the graph)."""

import tempfile

import jtorch as torch
import jtorch.nn as nn
from jtorch.utils.tensorboard import SummaryWriter

try:
    from _boston import load_boston
except ImportError:
    from examples.tutorial._boston import load_boston

from t1_module import LinearModel


def main(steps: int = 10000, log_dir=None):
    torch.manual_seed(0)
    boston = load_boston()
    lm = LinearModel(13)
    criterion = nn.MSELoss()
    optim = torch.optim.SGD(lm.parameters(), lr=1e-6)
    data = torch.tensor(boston["data"], requires_grad=True, dtype=torch.float32)
    target = torch.tensor(boston["target"], dtype=torch.float32)
    writer = SummaryWriter(log_dir or tempfile.mkdtemp())
    writer.add_graph(lm, (data,))
    for step in range(steps):
        predict = lm(data)
        loss = criterion(predict.squeeze(1), target)
        writer.add_scalar("Loss/train", loss, step)
        writer.add_histogram("Param/weight", lm.weight, step)
        writer.add_histogram("Param/bias", lm.bias, step)
        if step and step % 1000 == 0:
            print("Loss: {:.3f}".format(loss.item()))
        optim.zero_grad()
        loss.backward()
        optim.step()
    writer.close()
    return writer.get_logdir()


if __name__ == "__main__":
    main()
