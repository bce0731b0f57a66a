"""A stand-in for scikit-learn's removed ``load_boston``: 506 samples x 13 features.

The real data set is no longer shipped by scikit-learn (removed in 1.2) and this machine has no
network, so the tutorial's regression runs on synthetic data of the same shape and scale, made
deterministically from a fixed numpy seed (a linear model plus noise).
"""

import numpy as np


def load_boston():
    rng = np.random.default_rng(506)
    scales = np.array([8.6, 23.3, 6.9, 0.25, 0.12, 0.7, 28.1, 2.1, 8.7, 168.5, 2.2, 91.3, 7.1])
    means = np.array([3.6, 11.4, 11.1, 0.07, 0.55, 6.3, 68.6, 3.8, 9.5, 408.2, 18.5, 356.7, 12.7])
    data = np.abs(means + scales * rng.standard_normal((506, 13)))
    coef = rng.uniform(-1, 1, 13) / scales
    target = np.clip(22.5 + 9 * (data - means) @ coef + rng.standard_normal(506), 5, 50)
    return {"data": data, "target": target}
