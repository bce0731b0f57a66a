"""Tutorial section 6: save a state_dict, a whole model, a full checkpoint with the optimizer, several models
in one file; resume from the checkpoint and continue training exactly where it stopped."""

import os
import tempfile

from _data import init_like_torch, randn

import jtorch as torch
import jtorch.nn as nn


class TheModelClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def train(model, optimizer, x, y, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def main():
    d = tempfile.mkdtemp()
    x, y = randn(torch, 16, 4, seed=1), randn(torch, 16, 2, seed=2)
    model = TheModelClass()
    init_like_torch(torch, model, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    print("loss after 3 steps {:.6f}".format(train(model, optimizer, x, y, 3)))

    # 1. The state_dict alone (recommended for inference).
    PATH = os.path.join(d, "model.pt")
    torch.save(model.state_dict(), PATH)
    model2 = TheModelClass()
    model2.load_state_dict(torch.load(PATH))
    model2.eval()
    assert torch.equal(model2(x), model(x))
    print(sorted(model2.state_dict().keys()))

    # 2. The whole model, pickled (needs weights_only=False and the class importable).
    torch.save(model, PATH)
    model3 = torch.load(PATH, weights_only=False)
    model3.eval()
    assert torch.equal(model3(x), model(x))

    # 3. A full checkpoint: epoch, model, optimizer (momentum buffers), loss.
    CKPT = os.path.join(d, "ckpt.tar")
    torch.save(
        {
            "epoch": 3,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": 0.5,
        },
        CKPT,
    )
    # 4. Several models in one file.
    BOTH = os.path.join(d, "both.tar")
    torch.save({"modelA_state_dict": model.state_dict(), "modelB_state_dict": model2.state_dict()}, BOTH)
    both = torch.load(BOTH)
    print("models in one file:", sorted(both))

    # Resume: a fresh model and optimizer continue exactly like the original.
    model4 = TheModelClass()
    optimizer4 = torch.optim.SGD(model4.parameters(), lr=0.1, momentum=0.9)
    checkpoint = torch.load(CKPT)
    model4.load_state_dict(checkpoint["model_state_dict"])
    optimizer4.load_state_dict(checkpoint["optimizer_state_dict"])
    print(checkpoint["epoch"], checkpoint["loss"], optimizer4.state_dict()["param_groups"])
    model4.train()
    resumed = train(model4, optimizer4, x, y, 3)
    original = train(model, optimizer, x, y, 3)
    print("resumed {:.6f} original {:.6f}".format(resumed, original))
    assert resumed == original
    return checkpoint["epoch"]


if __name__ == "__main__":
    main()
