"""A char-level name classifier in the style of the "NLP From Scratch" tutorial: one-hot letters, an nn.RNN
and an nn.LSTM over padded batches, log_softmax + NLLLoss, gradient clipping, SGD."""

import numpy as np
import torch
import torch.nn as nn

letters = "abcdefghijklmnopqrstuvwxyz"
data = {
    "English": ["smith", "jones", "taylor", "brown", "wilson"],
    "Italian": ["rossi", "russo", "ferrari", "esposito", "bianchi"],
    "Japanese": ["sato", "suzuki", "takahashi", "tanaka", "watanabe"],
}
categories = list(data)


def line_to_tensor(line):
    t = torch.zeros(len(line), 1, len(letters))
    for i, ch in enumerate(line):
        t[i][0][letters.index(ch)] = 1
    return t


print(line_to_tensor("jones").size())
rng = np.random.default_rng(3)


def init(module):
    with torch.no_grad():
        for _name, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.2, 0.2, tuple(p.shape)).astype(np.float32)))


class RNNClassifier(nn.Module):
    def __init__(self, cell, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = cell(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        out, _ = self.rnn(line_tensor)
        return self.softmax(self.h2o(out[-1]))


names = [(n, categories.index(c)) for c in categories for n in data[c]]
for cell in (nn.RNN, nn.LSTM):
    model = RNNClassifier(cell, len(letters), 16, len(categories))
    init(model)
    criterion = nn.NLLLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    for epoch in range(2):
        total = 0.0
        for name, label in names:
            opt.zero_grad()
            output = model(line_to_tensor(name))
            loss = criterion(output, torch.tensor([label]))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        print(f"{cell.__name__} epoch {epoch} mean loss {total / len(names):.6f}")
    with torch.no_grad():
        output = model(line_to_tensor("tanaka"))
        topv, topi = output.topk(2, 1, True)
        print(cell.__name__, [categories[i] for i in topi[0].tolist()], topv)

# a padded batch through a batch_first LSTM with pack_padded_sequence
lstm = nn.LSTM(len(letters), 8, batch_first=True)
init(lstm)
batch = ["sato", "rossi", "jones"]
lengths = torch.tensor([len(n) for n in batch])
padded = nn.utils.rnn.pad_sequence([line_to_tensor(n).squeeze(1) for n in batch], batch_first=True)
packed = nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
out, (h, c) = lstm(packed)
unpacked, lens = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
print(unpacked.shape, lens, h.shape)
print(h[0].sum(dim=1))
