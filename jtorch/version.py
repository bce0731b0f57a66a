"""torch.version: the PyTorch API version jtorch follows, with jtorch's own release as the local label."""

__all__ = ["__version__", "jtorch_version", "debug", "cuda", "git_version", "hip", "rocm", "xpu", "torch_api"]

jtorch_version = "0.1.0"  # this package's release (pyproject.toml)
torch_api = "2.13.0"  # the PyTorch release whose API jtorch follows
__version__ = f"{torch_api}+jtorch.{jtorch_version}"
debug = False
cuda = None  # jtorch runs on JAX/XLA; GPUs come through JAX, not a CUDA build of jtorch
git_version = "unknown"
hip = None
rocm = None
xpu = None
