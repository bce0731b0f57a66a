"""torch.version: jtorch's version, and the PyTorch API version it follows (no CUDA/HIP build of its own)."""

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu", "torch_api"]

__version__ = "0.1.0"
torch_api = "2.13"  # the PyTorch release whose API jtorch follows
debug = False
cuda = None  # jtorch runs on JAX/XLA; GPUs come through JAX, not a CUDA build of jtorch
git_version = "unknown"
hip = None
rocm = None
xpu = None
