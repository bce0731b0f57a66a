"""A small DCGAN training step in the style of the DCGAN tutorial: ConvTranspose2d generator, Conv2d
discriminator, BatchNorm2d, LeakyReLU, BCELoss, two Adam optimizers, weights_init via apply."""

import numpy as np
import torch
import torch.nn as nn

nz, ngf, ndf, nc = 8, 8, 8, 1
rng = np.random.default_rng(7)


def weights_init(m):
    """The tutorial's init, drawn from numpy so torch and jtorch agree."""
    classname = m.__class__.__name__
    with torch.no_grad():
        if classname.find("Conv") != -1:
            m.weight.copy_(torch.from_numpy(rng.normal(0.0, 0.02, tuple(m.weight.shape)).astype(np.float32)))
        elif classname.find("BatchNorm") != -1:
            m.weight.copy_(torch.from_numpy(rng.normal(1.0, 0.02, tuple(m.weight.shape)).astype(np.float32)))
            nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input)


netG, netD = Generator(), Discriminator()
netG.apply(weights_init)
netD.apply(weights_init)
criterion = nn.BCELoss()
real_label, fake_label = 1.0, 0.0
optimizerD = torch.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
real = torch.from_numpy(np.tanh(rng.normal(size=(4, nc, 16, 16))).astype(np.float32))
print(netG(torch.zeros(1, nz, 1, 1)).shape, netD(real).shape)
for i in range(4):
    noise = torch.from_numpy(rng.normal(size=(4, nz, 1, 1)).astype(np.float32))
    # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
    netD.zero_grad()
    label = torch.full((4,), real_label, dtype=torch.float)
    output = netD(real).view(-1)
    errD_real = criterion(output, label)
    errD_real.backward()
    D_x = output.mean().item()
    fake = netG(noise)
    label.fill_(fake_label)
    output = netD(fake.detach()).view(-1)
    errD_fake = criterion(output, label)
    errD_fake.backward()
    D_G_z1 = output.mean().item()
    errD = errD_real + errD_fake
    optimizerD.step()
    # (2) update G: maximize log(D(G(z)))
    netG.zero_grad()
    label.fill_(real_label)
    output = netD(fake).view(-1)
    errG = criterion(output, label)
    errG.backward()
    D_G_z2 = output.mean().item()
    optimizerG.step()
    print(
        f"[{i}] Loss_D: {errD.item():.4f} Loss_G: {errG.item():.4f} D(x): {D_x:.4f} D(G(z)): {D_G_z1:.4f} / {D_G_z2:.4f}"
    )
bn = netG.main[1]
print(
    "running stats",
    bn.running_mean.sum().item() * 0 + round(bn.running_var.mean().item(), 4),
    int(bn.num_batches_tracked),
)
