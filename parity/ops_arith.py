"""Op database entries: arithmetic."""

from opinfo import OpInfo, binary_samples, positive, unary_samples

OPS = [
    OpInfo(
        "add",
        lambda T, x, y: T.add(x, y),
        binary_samples(),
        covers=("add", "Tensor.add", "Tensor.__add__", "Tensor.__radd__"),
    ),
    OpInfo("add_alpha", lambda T, x, y: x.add(y, alpha=0.5), binary_samples()),
    OpInfo(
        "add_",
        lambda T, x, y: x.clone().add_(y) if x.dim() >= (y.dim() if hasattr(y, "dim") else 0) else x + y,
        binary_samples(),
        covers=("Tensor.add_", "Tensor.__iadd__"),
    ),
    OpInfo(
        "sub",
        lambda T, x, y: x - y,
        binary_samples(),
        covers=("sub", "subtract", "Tensor.sub", "Tensor.__sub__", "Tensor.__rsub__"),
    ),
    OpInfo(
        "mul",
        lambda T, x, y: T.mul(x, y),
        binary_samples(),
        covers=("mul", "multiply", "Tensor.mul", "Tensor.__mul__", "Tensor.__rmul__"),
    ),
    OpInfo(
        "div",
        lambda T, x, y: x / y,
        binary_samples(gen2=positive),
        covers=("div", "divide", "Tensor.div", "Tensor.__truediv__", "Tensor.__rtruediv__"),
    ),
    OpInfo("exp", lambda T, x: T.exp(x), unary_samples(), covers=("exp", "Tensor.exp")),
    OpInfo("log", lambda T, x: x.log(), unary_samples(positive), covers=("log", "Tensor.log")),
]
