"""torch.distributions on jtorch: distributions written over jtorch ops, so log_prob, entropy and
rsample differentiate w.r.t. parameters through jtorch's autograd; draws come from jtorch's RNG.

Missing from torch's package (AttributeError naming them): ContinuousBernoulli, FisherSnedecor, Gumbel,
HalfCauchy, HalfNormal, InverseGamma, Kumaraswamy, LKJCholesky, LogisticNormal, Multinomial,
NegativeBinomial, Pareto, RelaxedBernoulli, RelaxedOneHotCategorical, VonMises, Weibull, Wishart,
GeneralizedPareto, constraint_registry (biject_to / transform_to) and some transforms.
"""

from jtorch.distributions import constraints, transforms  # noqa: F401
from jtorch.distributions.bernoulli import Bernoulli
from jtorch.distributions.beta import Beta
from jtorch.distributions.binomial import Binomial
from jtorch.distributions.categorical import Categorical
from jtorch.distributions.cauchy import Cauchy
from jtorch.distributions.chi2 import Chi2
from jtorch.distributions.dirichlet import Dirichlet
from jtorch.distributions.distribution import Distribution
from jtorch.distributions.exp_family import ExponentialFamily
from jtorch.distributions.exponential import Exponential
from jtorch.distributions.gamma import Gamma
from jtorch.distributions.geometric import Geometric
from jtorch.distributions.independent import Independent
from jtorch.distributions.kl import kl_divergence, register_kl
from jtorch.distributions.laplace import Laplace
from jtorch.distributions.log_normal import LogNormal
from jtorch.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal
from jtorch.distributions.mixture_same_family import MixtureSameFamily
from jtorch.distributions.multivariate_normal import MultivariateNormal
from jtorch.distributions.normal import Normal
from jtorch.distributions.one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from jtorch.distributions.poisson import Poisson
from jtorch.distributions.studentT import StudentT
from jtorch.distributions.transformed_distribution import TransformedDistribution
from jtorch.distributions.transforms import *  # noqa: F403
from jtorch.distributions.uniform import Uniform

__all__ = [
    "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet", "Distribution", "Exponential",
    "ExponentialFamily", "Gamma", "Geometric", "Independent", "Laplace", "LogNormal", "LowRankMultivariateNormal",
    "MixtureSameFamily", "MultivariateNormal", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough",
    "Poisson", "StudentT", "TransformedDistribution", "Uniform", "kl_divergence", "register_kl",
]  # fmt: skip
__all__.extend(transforms.__all__)
