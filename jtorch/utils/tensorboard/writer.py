"""SummaryWriter with torch's interface, writing through tensorboardX.

tensorboardX already implements every summary torch's writer has (scalars, histograms, images,
audio, video, text, embeddings, PR curves, meshes, hparams, custom scalars) and writes events off
the calling thread (its queue and flush thread), so each method here only turns jtorch tensors
into numpy arrays and maps torch's argument names. Two things tensorboardX cannot do for jtorch
are done here: torch's ``new_style``/``double_precision`` scalars (a tensor summary for the
scalars plugin) and ``add_graph``, which tensorboardX does with torch's JIT tracer; jtorch draws
the graph from the jaxpr of the module's forward (``_graph.py``).
"""

from __future__ import annotations

import io
import os
import socket
import sys
import wave
from datetime import datetime

import numpy as np

# tensorboardX's writer tries ``import torch`` at import time; under jtorch that would load the real PyTorch
# (seconds, and it makes a later jtorch.install_torch_alias() impossible). Hide it unless already loaded.
_hide_torch = "torch" not in sys.modules
if _hide_torch:
    sys.modules["torch"] = None
try:
    import tensorboardX
finally:
    if _hide_torch:
        del sys.modules["torch"]
from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata  # noqa: E402
from tensorboardX.proto.tensor_pb2 import TensorProto  # noqa: E402
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto  # noqa: E402

__all__ = ["SummaryWriter"]


def _np(x):
    """jtorch tensors (also ones requiring grad) and JAX arrays to numpy, recursively."""
    from jtorch import Tensor

    if isinstance(x, Tensor):
        x = x.detach()
        if x.dtype.name == "bfloat16":
            x = x.float()
        return x.numpy()
    if type(x).__module__.startswith("jax") and hasattr(x, "__array__"):
        return np.asarray(x)
    if isinstance(x, dict):
        return {k: _np(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and any(isinstance(v, Tensor) for v in x):
        return type(x)(_np(v) for v in x)
    return x


class SummaryWriter(tensorboardX.SummaryWriter):
    """torch.utils.tensorboard.SummaryWriter: ``SummaryWriter(log_dir=None, comment='', ...)``."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if not log_dir:
            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        super().__init__(
            log_dir,
            comment=comment,
            purge_step=purge_step,
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
        )
        self.log_dir = log_dir

    def get_logdir(self) -> str:
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False):
        value = _np(scalar_value)
        if not new_style:
            return super().add_scalar(tag, value, global_step, walltime)
        value = np.asarray(value).squeeze()
        if value.ndim != 0:
            raise ValueError(
                f"Tensor should contain one element (0 dimensions). Was given size: {value.size} and {value.ndim} dimensions."
            )
        proto = (
            TensorProto(dtype="DT_DOUBLE", double_val=[float(value)])
            if double_precision
            else TensorProto(dtype="DT_FLOAT", float_val=[float(value)])
        )
        proto.tensor_shape.CopyFrom(TensorShapeProto())
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
        summary = Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=meta)])
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        # torch writes each series to the run <log_dir>/<main_tag, '/' as '_'>_<tag>; tensorboardX nests
        # <log_dir>/<main_tag>/<tag>, which TensorBoard shows as different runs.
        import time

        from tensorboardX.summary import scalar
        from tensorboardX.writer import FileWriter

        walltime = time.time() if walltime is None else walltime
        fw_logdir = self._get_file_writer().get_logdir()
        for tag, value in _np(tag_scalar_dict).items():
            fw_tag = fw_logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            if fw_tag not in self.all_writers:
                self.all_writers[fw_tag] = FileWriter(fw_tag, self._max_queue, self._flush_secs, self._filename_suffix)
            self.all_writers[fw_tag].add_summary(scalar(main_tag, value), global_step, walltime)

    def add_tensor(self, tag, tensor, global_step=None, walltime=None):
        arr = np.asarray(_np(tensor))
        proto = TensorProto(
            dtype={"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "int32": "DT_INT32", "int64": "DT_INT64"}.get(
                arr.dtype.name, "DT_FLOAT"
            )
        )
        proto.tensor_shape.CopyFrom(TensorShapeProto(dim=[TensorShapeProto.Dim(size=s) for s in arr.shape]))
        proto.tensor_content = np.ascontiguousarray(
            arr if arr.dtype.name in ("float32", "float64", "int32", "int64") else arr.astype(np.float32)
        ).tobytes()
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
        self._get_file_writer().add_summary(
            Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=meta)]), global_step, walltime
        )

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        return super().add_histogram(tag, _np(values), global_step, bins, walltime, max_bins)

    def add_histogram_raw(
        self, tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts, global_step=None, walltime=None
    ):  # noqa: A002
        args = [_np(a) for a in (min, max, num, sum, sum_squares, bucket_limits, bucket_counts)]
        if len(args[5]) != len(args[6]):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        return super().add_histogram_raw(tag, *args, global_step=global_step, walltime=walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        return super().add_image(tag, _np(img_tensor), global_step, walltime, dataformats)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        return super().add_images(tag, _np(img_tensor), global_step, walltime, dataformats)

    def add_image_with_boxes(
        self, tag, img_tensor, box_tensor, global_step=None, walltime=None, rescale=1, dataformats="CHW", labels=None
    ):
        return super().add_image_with_boxes(
            tag, _np(img_tensor), _np(box_tensor), global_step, walltime, rescale, dataformats, labels
        )

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        return super().add_figure(tag, figure, global_step, close, walltime)

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None):
        return super().add_video(tag, _np(vid_tensor), global_step, fps, walltime)

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Mono 16-bit WAV, encoded with the standard library as torch does (tensorboardX would need soundfile)."""
        samples = np.asarray(_np(snd_tensor), dtype=np.float64).squeeze()
        if samples.ndim != 1:
            raise AssertionError("input tensor should be 1 dimensional.")
        pcm = (32767.0 * np.clip(samples, -1, 1)).astype(np.int16)
        buf = io.BytesIO()
        with wave.open(buf, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(pcm.tobytes())
        audio = Summary.Audio(
            sample_rate=sample_rate,
            num_channels=1,
            length_frames=len(pcm),
            encoded_audio_string=buf.getvalue(),
            content_type="audio/wav",
        )
        self._get_file_writer().add_summary(Summary(value=[Summary.Value(tag=tag, audio=audio)]), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        return super().add_text(tag, text_string, global_step, walltime)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default", metadata_header=None):
        return super().add_embedding(_np(mat), metadata, _np(label_img), global_step, tag, metadata_header)

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None, walltime=None):
        return super().add_pr_curve(
            tag, _np(labels), _np(predictions), global_step, num_thresholds, _np(weights), walltime
        )

    def add_pr_curve_raw(
        self,
        tag,
        true_positive_counts,
        false_positive_counts,
        true_negative_counts,
        false_negative_counts,
        precision,
        recall,
        global_step=None,
        num_thresholds=127,
        weights=None,
        walltime=None,
    ):
        args = [
            _np(a)
            for a in (
                true_positive_counts,
                false_positive_counts,
                true_negative_counts,
                false_negative_counts,
                precision,
                recall,
            )
        ]
        return super().add_pr_curve_raw(tag, *args, global_step, num_thresholds, _np(weights), walltime)

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None, global_step=None, walltime=None):
        from tensorboardX.summary import mesh

        summary = mesh(tag, _np(vertices), _np(colors), _np(faces), config_dict)
        for value in summary.value:  # torch names the parts <tag>_VERTEX/_FACE/_COLOR (tensorboardX: _1/_2/_3)
            base, kind = value.tag.rsplit("_", 1)
            value.tag = f"{base}_{ {'1': 'VERTEX', '2': 'FACE', '3': 'COLOR'}[kind] }"
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        if hparam_domain_discrete is not None:
            raise NotImplementedError(
                "SummaryWriter.add_hparams(hparam_domain_discrete=...) is not implemented in jtorch"
            )
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        return super().add_hparams(_np(hparam_dict), _np(metric_dict), name=run_name, global_step=global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Draw ``model``'s forward on ``input_to_model`` (module scopes as name scopes) from its jaxpr."""
        from tensorboardX.proto.event_pb2 import Event

        from jtorch.utils.tensorboard._graph import graph

        self._get_file_writer().add_event(Event(graph_def=graph(model, input_to_model, verbose).SerializeToString()))

    def add_onnx_graph(self, *args, **kwargs):
        raise NotImplementedError("SummaryWriter.add_onnx_graph: jtorch has no ONNX export")
