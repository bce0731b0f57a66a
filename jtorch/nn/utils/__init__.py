"""torch.nn.utils: gradient clipping, parameter/vector conversion, rnn packing, parametrizations."""

from jtorch.nn.utils import clip_grad, convert_parameters  # noqa: F401
from jtorch.nn.utils import fusion, rnn  # noqa: F401
from jtorch.nn.utils.clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401
from jtorch.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from jtorch.nn.utils import parametrize  # noqa: F401, E402
from jtorch.nn.utils import parametrizations  # noqa: F401, E402
from jtorch.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401, E402
from jtorch.nn.utils.weight_norm import remove_weight_norm, weight_norm  # noqa: F401, E402
from jtorch.nn.utils.clip_grad import _clip_grads_with_norm_ as clip_grads_with_norm_  # noqa: F401, E402
from jtorch.nn.utils.clip_grad import _get_total_norm as get_total_norm  # noqa: F401, E402
from jtorch.nn.utils.fusion import (  # noqa: F401, E402
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from jtorch.nn.utils import stateless  # noqa: F401, E402
