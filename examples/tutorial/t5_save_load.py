"""Tutorial section 5: state_dict, whole-model pickling, checkpoints with optimizer state."""

import os
import tempfile

import jtorch as torch
import jtorch.nn as nn


class TheModelClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def main():
    torch.manual_seed(0)
    d = tempfile.mkdtemp()
    model = TheModelClass()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(3, 4)
    model(x).sum().backward()
    optimizer.step()

    PATH = os.path.join(d, "model.pt")
    torch.save(model.state_dict(), PATH)
    model2 = TheModelClass()
    model2.load_state_dict(torch.load(PATH))
    model2.eval()
    assert torch.equal(model2(x), model(x))

    torch.save(model, PATH)
    model3 = torch.load(PATH, weights_only=False)
    model3.eval()
    assert torch.equal(model3(x), model(x))

    CKPT = os.path.join(d, "ckpt.tar")
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(), "loss": 0.5}, CKPT)
    model4 = TheModelClass()
    optimizer4 = torch.optim.SGD(model4.parameters(), lr=0.1, momentum=0.9)
    checkpoint = torch.load(CKPT)
    model4.load_state_dict(checkpoint["model_state_dict"])
    optimizer4.load_state_dict(checkpoint["optimizer_state_dict"])
    print(checkpoint["epoch"], checkpoint["loss"], optimizer4.state_dict()["param_groups"])
    model4.train()
    return checkpoint["epoch"]


if __name__ == "__main__":
    main()
