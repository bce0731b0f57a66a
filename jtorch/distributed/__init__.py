"""jtorch.distributed: torch.distributed's API over JAX (process groups are added by their own module)."""
