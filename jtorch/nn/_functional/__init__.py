"""jtorch.nn._functional: implementation files re-exported by jtorch.nn.functional."""
