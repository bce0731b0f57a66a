"""jtorch.utils: data loading, tensorboard and hook handles, as in torch.utils."""
