"""torch.autograd.anomaly_mode: the switches live in grad_mode (one flag, read by graph.py's engine)."""

from jtorch.autograd.grad_mode import detect_anomaly, set_detect_anomaly

__all__ = ["detect_anomaly", "set_detect_anomaly"]
