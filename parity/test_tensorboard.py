"""SummaryWriter parity: the same calls through torch's writer and jtorch's give event files that
TensorBoard's own reader reads back identically; a real TensorBoard server serves jtorch's scalars."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
import torch
from opinfo import covers
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import jtorch
import jtorch.nn as jnn
from jtorch.utils.tensorboard import SummaryWriter as JWriter

torch.set_num_threads(1)


def _log(T, W, logdir):
    rng = np.random.default_rng(0)
    vals = rng.standard_normal(1000).astype(np.float32)
    img = rng.uniform(size=(3, 8, 10)).astype(np.float32)
    with W(logdir) as w:
        for step in range(3):
            w.add_scalar("loss", T.tensor(1.0 / (step + 1), requires_grad=True), step)
            w.add_scalar("py", 0.5 * step, step)
        w.add_scalar("new", T.tensor(2.5), 0, new_style=True)
        w.add_scalar("double", 1.25, 0, new_style=True, double_precision=True)
        w.add_scalars("run", {"a": T.tensor(1.0), "b": 2.0}, 0)
        w.add_histogram("hist", T.from_numpy(vals), 0)
        w.add_histogram("hist_auto", T.from_numpy(vals), 1, bins="auto")
        w.add_histogram_raw("raw", 0.0, 4.0, 5, 10.0, 30.0, [1.0, 2.0, 4.0], [1, 2, 2], 0)
        w.add_image("img", T.from_numpy(img), 0)
        w.add_image("img_hwc", T.from_numpy(img.transpose(1, 2, 0)), 0, dataformats="HWC")
        w.add_images("imgs", T.from_numpy(np.stack([img, img])), 0)
        w.add_text("note", "hello *tensorboard*", 0)
        w.add_pr_curve(
            "pr",
            T.from_numpy((vals > 0).astype(np.int64)[:50]),
            T.from_numpy(rng.uniform(size=50).astype(np.float32)),
            0,
        )
        w.add_audio("snd", T.from_numpy(np.sin(np.linspace(0, 100, 800)).astype(np.float32)[None]), 0, sample_rate=8000)


def _read(logdir):
    ea = EventAccumulator(logdir, size_guidance={"images": 0, "scalars": 0, "histograms": 0, "tensors": 0, "audio": 0})
    ea.Reload()
    return ea


@covers(
    "utils.tensorboard.SummaryWriter",
    "utils.tensorboard.SummaryWriter.add_scalar",
    "utils.tensorboard.SummaryWriter.add_histogram",
    "utils.tensorboard.SummaryWriter.add_image",
)
def test_same_calls_same_events(tmp_path):
    _log(torch, TorchWriter, str(tmp_path / "t"))
    _log(jtorch, JWriter, str(tmp_path / "j"))
    t, j = _read(str(tmp_path / "t")), _read(str(tmp_path / "j"))
    for kind in ("scalars", "histograms", "images", "audio"):
        assert sorted(t.Tags()[kind]) == sorted(j.Tags()[kind]), kind
    assert sorted(t.Tags()["tensors"]) == sorted(j.Tags()["tensors"])
    for tag in t.Tags()["scalars"]:
        ts, js = t.Scalars(tag), j.Scalars(tag)
        assert [e.step for e in ts] == [e.step for e in js]
        np.testing.assert_allclose([e.value for e in js], [e.value for e in ts], rtol=1e-7)
    for tag in t.Tags()["histograms"]:
        th, jh = t.Histograms(tag)[0].histogram_value, j.Histograms(tag)[0].histogram_value
        assert (th.min, th.max, th.num, th.sum) == pytest.approx((jh.min, jh.max, jh.num, jh.sum), rel=1e-6)
        np.testing.assert_allclose(jh.bucket_limit, th.bucket_limit, rtol=1e-6)
        np.testing.assert_allclose(jh.bucket, th.bucket)
    for tag in t.Tags()["images"]:
        ti, ji = t.Images(tag)[0], j.Images(tag)[0]
        assert (ti.width, ti.height) == (ji.width, ji.height)
        assert ti.encoded_image_string == ji.encoded_image_string
    for tag in t.Tags()["tensors"]:
        tt, jt = t.Tensors(tag)[0].tensor_proto, j.Tensors(tag)[0].tensor_proto
        assert (
            tt.dtype == jt.dtype
            and list(tt.float_val) == list(jt.float_val)
            and list(tt.double_val) == list(jt.double_val)
        )
        assert tt.string_val == jt.string_val
    ta, ja = t.Audio("snd")[0], j.Audio("snd")[0]
    assert (ta.sample_rate, ta.length_frames) == (ja.sample_rate, ja.length_frames)


def test_add_graph_has_module_scopes(tmp_path):
    class Net(jnn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = jnn.Linear(4, 8)
            self.act = jnn.ReLU()
            self.fc2 = jnn.Linear(8, 2)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    with JWriter(str(tmp_path)) as w:
        w.add_graph(Net(), jtorch.randn(3, 4))
    g = _read(str(tmp_path)).Graph()
    names = [n.name for n in g.node]
    assert "Net/fc1/weight" in names and "input/input.1" in names and "output/output.1" in names
    ops = [n for n in g.node if n.name.startswith("Net/fc2/")]
    assert any(n.op == "aten::linear" and "Net/act/" in n.input[0] for n in ops)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tensorboard_server_serves_jtorch_scalars(tmp_path):
    with JWriter(str(tmp_path)) as w:
        for step in range(5):
            w.add_scalar("train/loss", jtorch.tensor(10.0 - step), step)
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            str(tmp_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--load_fast",
            "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/data/plugin/scalars/scalars?run=.&tag=train%2Floss"
        deadline = time.time() + 90
        data = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    data = json.loads(r.read())
                if data:
                    break
            except Exception:
                time.sleep(1)
        assert data is not None, "TensorBoard did not answer within 90 s"
        assert [row[1] for row in data] == list(range(5))
        assert [row[2] for row in data] == [10.0, 9.0, 8.0, 7.0, 6.0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@covers(
    "utils.tensorboard.SummaryWriter.add_embedding",
    "utils.tensorboard.SummaryWriter.add_hparams",
    "utils.tensorboard.SummaryWriter.add_custom_scalars",
    "utils.tensorboard.SummaryWriter.add_mesh",
)
def test_embedding_hparams_custom_scalars_mesh(tmp_path):
    rng = np.random.default_rng(1)
    mat = rng.standard_normal((6, 4)).astype(np.float32)
    verts = rng.uniform(size=(1, 4, 3)).astype(np.float32)
    faces = np.array([[[0, 1, 2], [1, 2, 3]]], np.int32)
    layout = {"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]}}
    for T, W, sub in ((torch, TorchWriter, "t"), (jtorch, JWriter, "j")):
        with W(str(tmp_path / sub)) as w:
            w.add_embedding(T.from_numpy(mat), metadata=list("abcdef"), global_step=0, tag="emb")
            w.add_hparams({"lr": 0.1, "bs": 32}, {"hparam/acc": 0.9}, run_name="hp")
            w.add_custom_scalars(layout)
            w.add_mesh("mesh", T.from_numpy(verts), faces=T.from_numpy(faces), global_step=0)
    for sub in ("t", "j"):
        tsv = (tmp_path / sub / "00000" / "emb" / "tensors.tsv").read_text()
        np.testing.assert_allclose(np.loadtxt(tsv.splitlines()), mat, rtol=1e-6)
        assert (tmp_path / sub / "00000" / "emb" / "metadata.tsv").read_text().split() == list("abcdef")
    t, j = _read(str(tmp_path / "t")), _read(str(tmp_path / "j"))
    assert sorted(t.Tags()["tensors"]) == sorted(j.Tags()["tensors"])
    th, jh = _read(str(tmp_path / "t" / "hp")), _read(str(tmp_path / "j" / "hp"))
    assert th.Scalars("hparam/acc")[0].value == jh.Scalars("hparam/acc")[0].value
