"""A tiny Transformer sequence model in the style of the language-modelling tutorial: nn.Embedding,
positional encoding buffer, nn.TransformerEncoder with a causal mask, a copy task trained with Adam."""

import math

import numpy as np
import torch
import torch.nn as nn

try:
    from jtorch.parity import share_initial_weights
except ImportError:

    def share_initial_weights(model, name="model"):
        pass


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(0)]


class TransformerModel(nn.Module):
    def __init__(self, ntoken, d_model, nhead, d_hid, nlayers):
        super().__init__()
        self.pos_encoder = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout=0.0)
        self.transformer_encoder = nn.TransformerEncoder(layer, nlayers, enable_nested_tensor=False)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)

    def forward(self, src, src_mask=None):
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        output = self.transformer_encoder(src, src_mask)
        return self.linear(output)


ntokens, seq_len, batch = 10, 6, 4
model = TransformerModel(ntokens, 16, 2, 32, 2)
share_initial_weights(model)
rng = np.random.default_rng(5)
data = torch.from_numpy(rng.integers(0, ntokens, (seq_len + 1, batch)))
src, tgt = data[:-1], data[1:]
mask = nn.Transformer.generate_square_subsequent_mask(seq_len)
print(mask)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)
model.train()
for step in range(8):
    output = model(src, mask)
    loss = criterion(output.view(-1, ntokens), tgt.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    optimizer.step()
    scheduler.step()
    print(f"step {step} loss {loss.item():.5f} ppl {math.exp(loss.item()):.4f} lr {scheduler.get_last_lr()[0]:.6f}")
model.eval()
with torch.no_grad():
    out = model(src, mask)
print(out.shape, out.argmax(-1)[:, 0])
