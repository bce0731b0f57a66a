"""Op database entries for torch.fft and view_as_real/view_as_complex: values, dtypes (float32 ->
complex64), gradients and error types against torch.

Tolerances: pocketfft (torch) and XLA's FFT round differently; sums of a dozen terms agree to a few
float32 ulps, so float32 compares at 1e-5 relative / 1e-5 absolute, float64 at 1e-10.
"""

import numpy as np
from opinfo import OpInfo, Sample, randn

FFT_TOLS = {
    "float32": (1e-5, 1e-5),
    "complex64": (1e-5, 1e-5),
    "float64": (1e-10, 1e-12),
    "complex128": (1e-10, 1e-12),
}
GRAD_TOLS = {k: (r * 10, a * 10) for k, (r, a) in FFT_TOLS.items()}


def S(*args, **kwargs):
    return Sample(args, kwargs)


def one(shape, **kwargs):
    return lambda rng, dt: [S(randn(rng, shape, dt), **kwargs)]


def _resolved(outs):
    """torch may return lazily conjugated results (ihfft, ifft of real input): compare values."""
    return tuple(o.resolve_conj() for o in outs)


def _c2c(T, x):
    F = T.fft
    return _resolved(
        F.fft(x),
        F.fft(x, n=6, dim=0, norm="ortho"),
        F.ifft(x, n=3),
        F.ifft(x, norm="forward"),
        F.fft2(x),
        F.ifft2(x, s=(2, 5)),
        F.fftn(x, dim=(0,)),
        F.ifftn(x, s=(4,), norm="ortho"),
        F.fftn(x),
    )


def _r2c(T, x):
    F = T.fft
    return _resolved(
        F.rfft(x),
        F.rfft(x, n=6, dim=0, norm="ortho"),
        F.rfft2(x, norm="forward"),
        F.rfftn(x, s=(2, 5)),
        F.ihfft(x),
        F.ihfft(x, n=3, norm="ortho"),
        F.ihfft2(x),
        F.ihfftn(x, dim=(0,), norm="forward"),
    )


def _c2r(T, x):
    F = T.fft
    return (
        F.irfft(x),
        F.irfft(x, n=5, dim=0, norm="ortho"),
        F.irfft2(x, norm="forward"),
        F.irfftn(x, s=(3, 4)),
        F.hfft(x),
        F.hfft(x, n=7, norm="ortho"),
        F.hfft2(x),
        F.hfftn(x, dim=(0,), norm="forward"),
    )


def _freq(T):
    F = T.fft
    return (
        F.fftfreq(5),
        F.fftfreq(4, d=0.5),
        F.rfftfreq(7, 2.0, dtype=T.float64),
        F.rfftfreq(1),
        F.fftfreq(3).requires_grad,
    )


def _shift(T, x):
    F = T.fft
    return F.fftshift(x), F.ifftshift(x), F.fftshift(x, dim=1), F.ifftshift(x, dim=(0,)), F.ifftshift(F.fftshift(x))


def _views(T, z, r):
    return T.view_as_real(z), T.view_as_complex(r), T.view_as_real(T.view_as_complex(r) * 2)


def _stft(T, x, w):
    s1 = T.stft(x, 8, window=w, return_complex=True)
    s2 = T.stft(x, 8, hop_length=3, win_length=6, window=w[:6], normalized=True, return_complex=True)
    s3 = x.stft(8, 4, window=w, center=False, onesided=False, return_complex=True)
    s4 = T.stft(x.view(2, 10), 4, window=w[:4], pad_mode="constant", return_complex=True)
    y1 = T.istft(s1, 8, window=w, length=20)
    y2 = s2.istft(8, 3, 6, window=w[:6], normalized=True)
    y3 = T.istft(s3, 8, 4, window=w, center=False, onesided=False)
    return s1, s2, s3, s4, y1, y2, y3


def _stft_complex(T, z):
    w = T.hann_window(4, dtype=T.float64 if z.dtype == T.complex128 else T.float32)
    s = T.stft(z, 4, window=w)
    return s, T.istft(s, 4, window=w, return_complex=True)


OPS = [
    OpInfo(
        "fft c2c",
        _c2c,
        one((3, 4)),
        dtypes=("float32", "complex128"),
        tols=FFT_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("fft.fft", "fft.ifft", "fft.fft2", "fft.ifft2", "fft.fftn", "fft.ifftn"),
    ),
    OpInfo(
        "fft int input",
        lambda T, x: (T.fft.fft(x), T.fft.rfft(x)),
        lambda rng, dt: [S(np.arange(6).reshape(2, 3))],
        dtypes=("int64",),
        grad=False,
    ),
    OpInfo(
        "fft r2c",
        _r2c,
        one((3, 4)),
        dtypes=("float32", "float64"),
        tols=FFT_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("fft.rfft", "fft.rfft2", "fft.rfftn", "fft.ihfft", "fft.ihfft2", "fft.ihfftn"),
    ),
    OpInfo(
        "fft c2r",
        _c2r,
        one((3, 4)),
        dtypes=("complex64",),
        tols=FFT_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("fft.irfft", "fft.irfft2", "fft.irfftn", "fft.hfft", "fft.hfft2", "fft.hfftn"),
    ),
    OpInfo(
        "fft freq",
        lambda T: _freq(T),
        lambda rng, dt: [S()],
        dtypes=("float32",),
        grad=False,
        tols=FFT_TOLS,
        covers=("fft.fftfreq", "fft.rfftfreq"),
    ),
    OpInfo("fft shift", _shift, one((3, 4)), dtypes=("float32", "complex64"), covers=("fft.fftshift", "fft.ifftshift")),
    OpInfo(
        "view_as_real/complex",
        _views,
        lambda rng, dt: [
            S(randn(rng, (3,), np.complex64 if dt == np.float32 else np.complex128), randn(rng, (2, 2), dt))
        ],
        covers=("view_as_real", "view_as_complex"),
    ),
    OpInfo(
        "stft/istft",
        _stft,
        lambda rng, dt: [S(randn(rng, (20,), dt), np.hanning(10)[1:9].astype(dt))],
        dtypes=("float32",),  # one dtype: a dozen ops each compile per dtype
        tols=FFT_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("stft", "Tensor.stft", "istft", "Tensor.istft"),
    ),
    OpInfo("stft complex", _stft_complex, one((12,)), dtypes=("complex64",), tols=FFT_TOLS, grad_tols=GRAD_TOLS),
    OpInfo("stft return_complex error", lambda T, x: T.stft(x, 4, window=T.ones(4)), one((12,)), grad=False),
    OpInfo(
        "stft n_fft error",
        lambda T, x: T.stft(x, 40, window=T.ones(40), center=False, return_complex=True),
        one((12,)),
        grad=False,
    ),
    OpInfo("rfft of complex error", lambda T, x: T.fft.rfft(x), one((4,)), dtypes=("complex64",), grad=False),
    OpInfo("fft bad norm error", lambda T, x: T.fft.fft(x, norm="bad"), one((4,)), grad=False),
    OpInfo("fft n=0 error", lambda T, x: T.fft.fft(x, n=0), one((4,)), grad=False),
    OpInfo("fft dim error", lambda T, x: T.fft.fft(x, dim=2), one((4,)), grad=False),
    OpInfo("view_as_real of real error", lambda T, x: T.view_as_real(x), one((4,)), grad=False),
    OpInfo("view_as_complex size error", lambda T, x: T.view_as_complex(x), one((4, 3)), grad=False),
]
