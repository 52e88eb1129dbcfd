#!/usr/bin/env python3
"""Regenerate the committed PyTorch fixtures under fixtures/ and fixtures/manifest.json.

Usage (from the repository root; the tests never run Python, they read what this script commits):

    .venv/bin/python scripts/export_fixtures.py                # everything (clears fixtures/seed and fixtures/models)
    .venv/bin/python scripts/export_fixtures.py --only NAME    # NAME: a fixture (resnet_basic__torchscript_op11),
                                                               # a model (resnet_basic: all its exports), a group
                                                               # (seed | models) or seed_inputs; repeatable
    .venv/bin/python scripts/export_fixtures.py --list         # print the fixture names and exit

Environment: torch, onnx, onnxscript, onnxruntime and numpy (the repo's git-ignored .venv has them). No network.

Layout (ONNX backend-test layout, one folder per fixture):

    fixtures/<group>/<name>/model.onnx
    fixtures/<group>/<name>/model.onnx.data        only for exports that write external data (dynamo)
    fixtures/<group>/<name>/test_data_set_0/input_0.pb, output_0.pb
        TensorProto files whose tensor.name is the graph input / output name. The outputs are PyTorch EAGER
        float32 results (model.eval(), torch.no_grad()), never onnxruntime's.
    fixtures/seed/inputs/                          the seed's batch-2 test input and eager output as
        input.npy, input.npz (key = graph input name), input.json, golden.npy, golden.npz (key = graph output
        name), golden.json. JSON format: {"<tensor name>": {"dims": [...], "data": [flat row-major numbers]}};
        each number is the exact float32 value written as a float64 literal, so Math.fround(JSON.parse(...))
        gives back the same bits.
    fixtures/manifest.json                         one entry per fixture (also failed exports), see build_entry().

Groups:
    seed    the MNIST CNN of /work/shared/seed with random BatchNorm statistics, exported three ways:
            seed_dynamo (dynamo=True, external data), seed_torchscript (dynamo=False; BN is folded into Conv),
            seed_bn_unfolded (dynamo=False, training=TrainingMode.PRESERVE keeps BatchNormalization nodes).
    models  small architectures from scripts/fixture_models.py, each exported by the TorchScript exporter at the
            default opset, 11 and 9, and by the dynamo exporter at the default opset and 18 (the lowest it has
            implementations for; lower requests go through a version converter). Folder names say
            <model>__<exporter>_op<requested opset>.

Determinism: weights and inputs come from seeds derived from the model name (crc32), torch runs single-threaded,
the manifest has no timestamps. The dynamo exporter stores stack traces (with this script's line numbers and the
venv's paths) in node metadata, so editing this script or moving the venv changes dynamo model.onnx bytes.

Every fixture is checked here with onnxruntime (graph optimizations disabled, one thread) against the eager
output; the result goes into the manifest, refusals included, and a summary table is printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
import warnings
import zlib
from collections import Counter, defaultdict
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_models import MODEL_SPECS, SEED_SPEC, ModelSpec, describe, randomize_batchnorm  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
MANIFEST = FIXTURES / "manifest.json"
INPUT_NAME = "input"
OUTPUT_NAME = "output"
BATCH_AXIS_NAME = "batch_size"
DEFAULT_OPSET = 20  # torch.onnx's default for both exporters in torch 2.13 (checked at start-up)
DYNAMIC_BATCH_CHECK = 3  # onnxruntime is also run at this batch size to check the batch axis really is dynamic


@dataclass(frozen=True)
class Variant:
    exporter: str  # "dynamo" | "torchscript"
    opset: int | None  # requested opset; None = exporter default
    preserve_bn: bool = False
    modules_as_functions: bool = False  # TorchScript only: every submodule becomes an ONNX local function

    @property
    def opset_label(self) -> int:
        return DEFAULT_OPSET if self.opset is None else self.opset


@dataclass(frozen=True)
class Fixture:
    name: str
    group: str
    spec: ModelSpec
    variant: Variant


MODEL_VARIANTS = [
    Variant("torchscript", None),
    Variant("torchscript", 11),
    Variant("torchscript", 9),
    Variant("dynamo", None),
    Variant("dynamo", 18),
]


def all_fixtures() -> list[Fixture]:
    out = [
        Fixture("seed_dynamo", "seed", SEED_SPEC, Variant("dynamo", None)),
        Fixture("seed_torchscript", "seed", SEED_SPEC, Variant("torchscript", None)),
        Fixture("seed_bn_unfolded", "seed", SEED_SPEC, Variant("torchscript", None, preserve_bn=True)),
    ]
    for spec in MODEL_SPECS:
        for v in MODEL_VARIANTS:
            out.append(Fixture(f"{spec.name}__{v.exporter}_op{v.opset_label}", "models", spec, v))
    # Local functions (nested: the block's function calls its submodules' functions) exercise the importer's inlining.
    specs = {spec.name: spec for spec in MODEL_SPECS}
    out.append(Fixture("resnet_bottleneck__torchscript_functions", "models", specs["resnet_bottleneck"],
                       Variant("torchscript", None, modules_as_functions=True)))
    return out


# ---------------------------------------------------------------------------------------------------------------
# building models and inputs
# ---------------------------------------------------------------------------------------------------------------


def seed_of(text: str) -> int:
    return zlib.crc32(text.encode())


def build_model(spec: ModelSpec) -> torch.nn.Module:
    torch.manual_seed(seed_of(spec.name))
    model = spec.build()
    randomize_batchnorm(model, torch.Generator().manual_seed(seed_of(spec.name + ":bn")))
    return model.eval()


def make_input(spec: ModelSpec, batch: int | None = None) -> torch.Tensor:
    shape = list(spec.input_shape)
    tag = ":input"
    if batch is not None:
        shape[0] = batch
        tag = f":input:batch{batch}"
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed_of(spec.name + tag)))


def eager(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        y = model(x.clone())
    return y.detach().numpy().astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _short(text: str, limit: int = 700) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _export_once(model: torch.nn.Module, x: torch.Tensor, path: Path, v: Variant, dynamic: bool) -> None:
    common: dict[str, Any] = dict(input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], opset_version=v.opset)
    if v.exporter == "dynamo":
        if dynamic:
            common["dynamic_shapes"] = ({0: torch.export.Dim(BATCH_AXIS_NAME)},)
        torch.onnx.export(model, (x,), str(path), dynamo=True, external_data=True, verbose=False, **common)
    else:
        if dynamic:
            common["dynamic_axes"] = {INPUT_NAME: {0: BATCH_AXIS_NAME}, OUTPUT_NAME: {0: BATCH_AXIS_NAME}}
        if v.preserve_bn:
            # In EVAL mode the TorchScript exporter's eval peephole folds BatchNorm into the preceding Conv;
            # PRESERVE exports the module in its current (eval) mode without that pass, so BatchNormalization
            # nodes (training_mode=0) stay in the graph.
            common["training"] = torch.onnx.TrainingMode.PRESERVE
        if v.modules_as_functions:
            common["export_modules_as_functions"] = True
        torch.onnx.export(model, (x,), str(path), dynamo=False, **common)


@contextmanager
def _silence_fds() -> Iterator[None]:
    """The TorchScript exporter prints failing graphs from C++ straight to file descriptor 2; the error itself is
    recorded in the manifest, so the console only gets the progress lines and the summary."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def export(model: torch.nn.Module, x: torch.Tensor, out_dir: Path, v: Variant) -> dict[str, Any]:
    """Export into out_dir/model.onnx. Returns {"ok", "error", "dynamic_batch", "messages"}."""
    handler = _Collect()
    loggers = [logging.getLogger(n) for n in ("torch.onnx", "onnxscript", "torch.export", "torch._dynamo")]
    for lg in loggers:
        lg.addHandler(handler)
    result: dict[str, Any] = {"ok": False, "error": None, "dynamic_batch": True, "messages": []}
    sink = io.StringIO()
    try:
        with (warnings.catch_warnings(record=True) as caught, _silence_fds(), redirect_stdout(sink),
              redirect_stderr(sink)):
            warnings.simplefilter("always")
            try:
                _export_once(model, x, out_dir / "model.onnx", v, dynamic=True)
                result["ok"] = True
            except Exception as first:  # noqa: BLE001 - every exporter failure is recorded, never fatal
                dyn_error = f"{type(first).__name__}: {_short(first)}"
                for f in out_dir.iterdir():
                    f.unlink()
                try:
                    _export_once(model, x, out_dir / "model.onnx", v, dynamic=False)
                    result["ok"] = True
                    result["dynamic_batch"] = False
                    result["messages"].append(f"export with a dynamic batch axis failed ({dyn_error}); "
                                              "exported with static shapes")
                except Exception as second:  # noqa: BLE001
                    result["error"] = f"{type(second).__name__}: {_short(second)}"
                    if result["error"] != dyn_error:
                        result["messages"].append(f"with dynamic batch axis: {dyn_error}")
        for w in caught:
            result["messages"].append(f"{w.category.__name__}: {_short(w.message, 300)}")
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    result["messages"].extend(_short(m, 300) for m in handler.messages)
    result["messages"] = _dedupe(m for m in result["messages"] if not any(n in m for n in _NOISE))
    return result


# Messages every export of this torch version prints, whatever the model: they say nothing about the fixture.
_NOISE = (
    "torchvision is not installed",
    "You are using the legacy TorchScript-based ONNX export",
    "The feature will be removed. Please remove usage of this function",
    "`isinstance(treespec, LeafSpec)` is deprecated",
)


def _dedupe(items: Any) -> list[str]:
    seen: list[str] = []
    for m in items:
        if m not in seen:
            seen.append(m)
    return seen


# ---------------------------------------------------------------------------------------------------------------
# inspection of the exported file
# ---------------------------------------------------------------------------------------------------------------


def _dims(value_info: onnx.ValueInfoProto) -> list[int | str]:
    out: list[int | str] = []
    for d in value_info.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param"):
            out.append(d.dim_param)
        else:
            out.append("?")
    return out


def _attr_value(a: onnx.AttributeProto) -> Any:
    if a.ref_attr_name:  # inside a local function: the value comes from the calling node
        return f"ref:{a.ref_attr_name}"
    v = onnx.helper.get_attribute_value(a)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, float):
        return float(np.float32(v))
    if isinstance(v, list):
        return [x.decode() if isinstance(x, bytes) else (float(np.float32(x)) if isinstance(x, float) else x)
                for x in v]
    if isinstance(v, onnx.TensorProto):
        return f"<tensor {onnx.TensorProto.DataType.Name(v.data_type)} {list(v.dims)}>"
    if isinstance(v, onnx.GraphProto):
        return "<graph>"
    if isinstance(v, int):
        return v
    return repr(v)


def _all_nodes(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    nodes = []
    for n in graph.node:
        nodes.append(n)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                nodes.extend(_all_nodes(a.g))
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    nodes.extend(_all_nodes(g))
    return nodes


def op_key(n: onnx.NodeProto) -> str:
    return n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}::{n.op_type}"


def inspect_model(path: Path) -> dict[str, Any]:
    model = onnx.load(str(path), load_external_data=False)
    graph = model.graph
    init_names = {t.name for t in graph.initializer}
    nodes = _all_nodes(graph)
    for f in model.functions:
        nodes.extend(f.node)
    hist = Counter(op_key(n) for n in nodes)
    attrs: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for n in nodes:
        for a in n.attribute:
            if a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                continue
            val = _attr_value(a)
            bucket = attrs[op_key(n)][a.name]
            if val not in bucket:
                bucket.append(val)
    external = [t for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    ext_files: dict[str, dict[str, int]] = {}
    for t in external:
        info = {e.key: e.value for e in t.external_data}
        loc = info["location"]
        end = int(info.get("offset", 0)) + int(info.get("length", 0))
        rec = ext_files.setdefault(loc, {"tensors": 0, "bytes_referenced": 0, "end": 0})
        rec["tensors"] += 1
        rec["bytes_referenced"] += int(info.get("length", 0))
        rec["end"] = max(rec["end"], end)
    opsets = {(o.domain or "ai.onnx"): o.version for o in model.opset_import}
    schema_versions: dict[str, int | None] = {}
    for n in nodes:
        domain = n.domain if n.domain not in ("", "ai.onnx") else ""
        try:
            schema = onnx.defs.get_schema(n.op_type, opsets.get(domain or "ai.onnx", 0), domain)
            schema_versions[op_key(n)] = schema.since_version
        except Exception:  # noqa: BLE001 - unknown op / domain: recorded as None
            schema_versions[op_key(n)] = None
    return {
        "model": model,
        "opset": opsets.get("ai.onnx"),
        "opset_imports": dict(sorted(opsets.items())),
        "ir_version": model.ir_version,
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "inputs": [{"name": i.name, "shape": _dims(i)} for i in graph.input if i.name not in init_names],
        "initializers_as_inputs": sum(1 for i in graph.input if i.name in init_names),
        "outputs": [{"name": o.name, "shape": _dims(o)} for o in graph.output],
        "node_count": len(nodes),
        "functions": [f"{f.domain}::{f.name}" for f in model.functions],
        "op_histogram": dict(sorted(hist.items())),
        "op_schema_versions": dict(sorted(schema_versions.items())),
        "op_attributes": {op: {k: attrs[op][k] for k in sorted(attrs[op])} for op in sorted(attrs)},
        "initializers": len(graph.initializer),
        "external_data": ext_files,
        "inline_initializers": len(graph.initializer) - len(external),
    }


# ---------------------------------------------------------------------------------------------------------------
# onnxruntime check
# ---------------------------------------------------------------------------------------------------------------


def _session(path: Path) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])


def _compare(actual: np.ndarray, expected: np.ndarray) -> dict[str, Any]:
    if actual.shape != expected.shape:
        return {"shape_ok": False, "actual_shape": list(actual.shape), "expected_shape": list(expected.shape),
                "max_abs_error": None, "max_rel_error": None, "assert_close_float32": False}
    diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    rel = diff / np.maximum(np.abs(expected.astype(np.float64)), np.finfo(np.float32).tiny)
    try:
        torch.testing.assert_close(torch.from_numpy(actual), torch.from_numpy(expected))  # float32: 1.3e-6, 1e-5
        close, message = True, None
    except AssertionError as e:
        close, message = False, _short(e, 400)
    out: dict[str, Any] = {
        "shape_ok": True,
        "max_abs_error": float(diff.max()) if diff.size else 0.0,
        "max_rel_error": float(rel.max()) if rel.size else 0.0,
        "assert_close_float32": close,
    }
    if message:
        out["assert_close_message"] = message
    return out


def check_onnxruntime(path: Path, feeds: dict[str, np.ndarray], expected: np.ndarray,
                      batch_feeds: dict[str, np.ndarray] | None, batch_expected: np.ndarray | None) -> dict[str, Any]:
    res: dict[str, Any] = {"loads": False, "runs": False}
    try:
        sess = _session(path)
    except Exception as e:  # noqa: BLE001
        res["error"] = f"{type(e).__name__}: {_short(e)}"
        res["verdict"] = "load_failed"
        return res
    res["loads"] = True
    try:
        (y,) = sess.run(None, feeds)
    except Exception as e:  # noqa: BLE001
        res["error"] = f"{type(e).__name__}: {_short(e)}"
        res["verdict"] = "run_failed"
        return res
    res["runs"] = True
    res.update(_compare(np.asarray(y), expected))
    res["verdict"] = "pass" if res["assert_close_float32"] else "mismatch"
    if batch_feeds is not None and batch_expected is not None:
        try:
            (yb,) = sess.run(None, batch_feeds)
            cmp = _compare(np.asarray(yb), batch_expected)
            res["dynamic_batch_check"] = {"batch": DYNAMIC_BATCH_CHECK, **cmp}
        except Exception as e:  # noqa: BLE001
            res["dynamic_batch_check"] = {"batch": DYNAMIC_BATCH_CHECK, "error": f"{type(e).__name__}: {_short(e)}"}
    return res


# ---------------------------------------------------------------------------------------------------------------
# one fixture
# ---------------------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_pb(array: np.ndarray, name: str, path: Path) -> None:
    path.write_bytes(numpy_helper.from_array(np.ascontiguousarray(array), name=name).SerializeToString())


def generate(fx: Fixture) -> dict[str, Any]:
    spec, v = fx.spec, fx.variant
    model = build_model(spec)
    x = make_input(spec)
    y = eager(model, x)
    xb = make_input(spec, DYNAMIC_BATCH_CHECK)
    yb = eager(model, xb)

    entry: dict[str, Any] = {
        "name": fx.name,
        "group": fx.group,
        "model": spec.name,
        "architecture": describe(spec.description),
        "exporter": v.exporter,
        "export_options": _export_options(v),
        "opset_requested": v.opset_label,
        "opset_requested_is_default": v.opset is None,
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "test_input_shape": list(x.shape),
        "eager_output_shape": list(y.shape),
        "eager_output_absmax": float(np.abs(y).max()),
        "notes": list(spec.notes),
    }
    final_dir = FIXTURES / fx.group / fx.name
    if final_dir.exists():
        shutil.rmtree(final_dir)

    with tempfile.TemporaryDirectory(prefix=f"fx_{fx.name}_") as tmp:
        tmp_dir = Path(tmp) / fx.name
        tmp_dir.mkdir()
        exp = export(model, x, tmp_dir, v)
        # the exporter must not have changed the module (e.g. through an in-place op or a mode switch)
        if not np.array_equal(eager(model, x), y):
            raise RuntimeError(f"{fx.name}: eager output changed during export")
        entry["export_messages"] = exp["messages"]
        if not exp["ok"]:
            entry.update(status="export_failed", path=None, error=exp["error"])
            entry["notes"].append(f"export failed: {exp['error']}")
            return entry
        shutil.copytree(tmp_dir, final_dir)

    info = inspect_model(final_dir / "model.onnx")
    model_proto = info.pop("model")
    if len(info["inputs"]) != 1 or len(info["outputs"]) != 1:
        raise RuntimeError(f"{fx.name}: expected one graph input and one output, got {info['inputs']} / "
                           f"{info['outputs']}")
    in_name, out_name = info["inputs"][0]["name"], info["outputs"][0]["name"]
    data_dir = final_dir / "test_data_set_0"
    data_dir.mkdir()
    _write_pb(x.numpy(), in_name, data_dir / "input_0.pb")
    _write_pb(y, out_name, data_dir / "output_0.pb")

    try:
        onnx.checker.check_model(str(final_dir / "model.onnx"), full_check=True)
        checker = "ok"
    except Exception as e:  # noqa: BLE001
        checker = f"{type(e).__name__}: {_short(e, 400)}"

    bn = info["op_histogram"].get("BatchNormalization", 0)
    ext = info.pop("external_data")
    ext_file = None
    if ext:
        (loc, rec), = ext.items()  # one data file per export
        size = (final_dir / loc).stat().st_size
        if size < rec["end"]:
            raise RuntimeError(f"{fx.name}: {loc} has {size} bytes, initializers reference up to {rec['end']}")
        ext_file = {"location": loc, "bytes": size, "external_tensors": rec["tensors"],
                    "inline_tensors": info["inline_initializers"]}
    batch_dynamic = isinstance(info["inputs"][0]["shape"][0], str)
    ort_res = check_onnxruntime(final_dir / "model.onnx", {in_name: x.numpy()}, y,
                                {in_name: xb.numpy()} if batch_dynamic else None, yb if batch_dynamic else None)

    entry.update(
        status="exported",
        path=str(final_dir.relative_to(REPO)),
        opset=info["opset"],
        opset_imports=info["opset_imports"],
        ir_version=info["ir_version"],
        producer=info["producer"],
        inputs=info["inputs"],
        outputs=info["outputs"],
        dynamic_batch=batch_dynamic,
        initializers=info["initializers"],
        initializers_as_inputs=info["initializers_as_inputs"],
        external_data=ext_file,
        batchnorm_nodes=bn,
        batchnorm_remains=bn > 0,
        node_count=info["node_count"],
        local_functions=info["functions"],
        op_histogram=info["op_histogram"],
        op_schema_versions=info["op_schema_versions"],
        op_attributes=info["op_attributes"],
        onnx_checker=checker,
        onnxruntime=ort_res,
    )
    entry["files"] = {
        str(p.relative_to(final_dir)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(final_dir.rglob("*")) if p.is_file()
    }
    entry["notes"].extend(_notes(entry, v, model_proto))
    return entry


def _export_options(v: Variant) -> dict[str, Any]:
    opts: dict[str, Any] = {"dynamo": v.exporter == "dynamo", "opset_version": v.opset,
                            "input_names": [INPUT_NAME], "output_names": [OUTPUT_NAME]}
    if v.exporter == "dynamo":
        opts.update(external_data=True, optimize=True, dynamic_shapes=f"({{0: Dim('{BATCH_AXIS_NAME}')}},)")
    else:
        opts.update(dynamic_axes={INPUT_NAME: {0: BATCH_AXIS_NAME}, OUTPUT_NAME: {0: BATCH_AXIS_NAME}},
                    do_constant_folding=True, training="PRESERVE" if v.preserve_bn else "EVAL")
    return opts


def _notes(entry: dict[str, Any], v: Variant, model: onnx.ModelProto) -> list[str]:
    notes = []
    if entry["opset"] != entry["opset_requested"]:
        notes.append(f"requested opset {entry['opset_requested']} but the file has opset {entry['opset']}")
    if v.exporter == "dynamo" and entry["external_data"] is None:
        notes.append("dynamo export wrote no external data file")
    if not entry["dynamic_batch"]:
        notes.append("batch axis is static in the exported graph")
    if entry["initializers_as_inputs"]:
        notes.append(f"{entry['initializers_as_inputs']} initializers are also listed as graph inputs")
    for m in entry["export_messages"]:
        if m.startswith("UserWarning") and "training-amenable mode" not in m:
            notes.append(f"exporter warned: {m}")
    notes.extend(spec_lint(model, entry["opset"]))
    if entry["onnx_checker"] != "ok":
        notes.append(f"onnx.checker: {entry['onnx_checker']}")
    r = entry["onnxruntime"]
    if r["verdict"] == "load_failed":
        notes.append(f"onnxruntime refuses: {r['error']}")
    elif r["verdict"] == "run_failed":
        notes.append(f"onnxruntime loads but fails to run: {r['error']}")
    elif r["verdict"] == "mismatch":
        if not r.get("shape_ok", True):
            notes.append(f"onnxruntime output shape {r['actual_shape']} != eager {r['expected_shape']}")
        else:
            notes.append(f"onnxruntime differs from eager beyond float32 assert_close: max abs error "
                         f"{r['max_abs_error']:.3g}, max rel error {r['max_rel_error']:.3g}")
    dbc = r.get("dynamic_batch_check")
    if dbc and (dbc.get("error") or not dbc.get("assert_close_float32")):
        notes.append(f"onnxruntime at batch {DYNAMIC_BATCH_CHECK}: "
                     f"{dbc.get('error') or 'max abs error %.3g' % (dbc.get('max_abs_error') or float('nan'))}")
    return notes


def spec_lint(model: onnx.ModelProto, opset: int) -> list[str]:
    """Attribute values the ONNX spec does not allow at the model's opset, which onnx.checker does not catch."""
    notes = []
    for n in _all_nodes(model.graph):
        if n.domain not in ("", "ai.onnx"):
            continue
        attrs = {a.name: _attr_value(a) for a in n.attribute}
        if n.op_type == "Pad" and attrs.get("mode") == "wrap" and opset < 19:
            notes.append(f"node {n.name}: Pad mode='wrap' in an opset-{opset} model; 'wrap' exists only from "
                         "Pad-19 (Pad-18 allows constant, reflect, edge)")
    return _dedupe(notes)


# ---------------------------------------------------------------------------------------------------------------
# seed inputs (issue 5: input files in several formats)
# ---------------------------------------------------------------------------------------------------------------


def _json_tensor(a: np.ndarray) -> dict[str, Any]:
    # float32 -> Python float is exact; repr of that float64 round-trips, so no digit is lost or invented
    return {"dims": list(a.shape), "data": [float(v) for v in a.astype(np.float32).ravel()]}


def write_seed_inputs() -> dict[str, Any]:
    spec = SEED_SPEC
    model = build_model(spec)
    x = make_input(spec).numpy()
    y = eager(model, torch.from_numpy(x))
    out_dir = FIXTURES / "seed" / "inputs"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    np.save(out_dir / "input.npy", x)
    np.savez(out_dir / "input.npz", **{INPUT_NAME: x})
    (out_dir / "input.json").write_text(json.dumps({INPUT_NAME: _json_tensor(x)}) + "\n")
    np.save(out_dir / "golden.npy", y)
    np.savez(out_dir / "golden.npz", **{OUTPUT_NAME: y})
    (out_dir / "golden.json").write_text(json.dumps({OUTPUT_NAME: _json_tensor(y)}) + "\n")
    # the same tensors as the seed fixtures' test_data_set_0 (checked in main once those exist)
    return {
        "path": str(out_dir.relative_to(REPO)),
        "input_name": INPUT_NAME,
        "output_name": OUTPUT_NAME,
        "input_shape": list(x.shape),
        "output_shape": list(y.shape),
        "json_format": '{"<tensor name>": {"dims": [...], "data": [row-major float32 values as float64 literals]}}',
        "npz_keys": {"input.npz": [INPUT_NAME], "golden.npz": [OUTPUT_NAME]},
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in sorted(out_dir.iterdir())},
    }


# ---------------------------------------------------------------------------------------------------------------
# manifest and summary
# ---------------------------------------------------------------------------------------------------------------


def op_summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    by_op: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e.get("status") != "exported":
            continue
        for op, count in e["op_histogram"].items():
            rec = by_op.setdefault(op, {"opsets": set(), "schema_versions": set(), "fixtures": 0, "nodes": 0,
                                        "exporters": set(), "attributes": defaultdict(list)})
            rec["opsets"].add(e["opset"])
            rec["schema_versions"].add(e["op_schema_versions"].get(op) or 0)
            rec["fixtures"] += 1
            rec["nodes"] += count
            rec["exporters"].add(e["exporter"])
            for k, vals in e["op_attributes"].get(op, {}).items():
                for val in vals:
                    if val not in rec["attributes"][k]:
                        rec["attributes"][k].append(val)
    return {
        op: {"opsets": sorted(r["opsets"]), "schema_versions": sorted(r["schema_versions"]),
             "fixtures": r["fixtures"], "nodes": r["nodes"],
             "exporters": sorted(r["exporters"]),
             "attributes": {k: _sorted_vals(r["attributes"][k]) for k in sorted(r["attributes"])}}
        for op, r in sorted(by_op.items())
    }


def _sorted_vals(vals: list[Any]) -> list[Any]:
    try:
        return sorted(vals, key=lambda v: json.dumps(v, sort_keys=True))
    except TypeError:
        return vals


def write_manifest(entries: list[dict[str, Any]], seed_inputs: dict[str, Any] | None) -> None:
    order = {f.name: i for i, f in enumerate(all_fixtures())}
    entries = sorted(entries, key=lambda e: order.get(e["name"], len(order)))
    exported = [e for e in entries if e.get("status") == "exported"]
    manifest = {
        "description": "PyTorch fixtures for torchparity; regenerate with scripts/export_fixtures.py (see its "
                       "docstring). Outputs in test_data_set_0 are PyTorch eager float32 results.",
        "generator": "scripts/export_fixtures.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__,
                     "numpy": np.__version__, "python": sys.version.split()[0]},
        "onnxruntime_check": {"graph_optimization_level": "ORT_DISABLE_ALL", "intra_op_num_threads": 1,
                              "tolerance": "torch.testing.assert_close float32 defaults (rtol 1.3e-6, atol 1e-5)",
                              "dynamic_batch_check": DYNAMIC_BATCH_CHECK},
        "counts": {
            "fixtures": len(entries),
            "exported": len(exported),
            "export_failed": len(entries) - len(exported),
            "onnxruntime": dict(sorted(Counter(e["onnxruntime"]["verdict"] for e in exported).items())),
        },
        "seed_inputs": seed_inputs,
        "op_summary": op_summary(entries),
        "fixtures": entries,
    }
    MANIFEST.write_text(compact_json(manifest) + "\n")


def compact_json(value: Any, indent: int = 0, lead: int = 0, width: int = 118) -> str:
    """Indented JSON where any list or object that fits on its line is written on one line. lead = characters
    already on the line (indent and key)."""
    flat = json.dumps(value)
    if not isinstance(value, (dict, list)) or lead + len(flat) <= width:
        return flat
    pad = " " * (indent + 1)
    if isinstance(value, list):
        items = [pad + compact_json(v, indent + 1, indent + 1, width) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = []
    for k, v in value.items():
        key = f"{pad}{json.dumps(k)}: "
        items.append(key + compact_json(v, indent + 1, len(key), width))
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def print_summary(entries: list[dict[str, Any]]) -> None:
    rows = [("fixture", "exporter", "opset", "BN", "onnxruntime", "max abs err", "note")]
    for e in entries:
        if e.get("status") != "exported":
            rows.append((e["name"], e["exporter"], f"{e['opset_requested']}->-", "", "EXPORT FAILED", "",
                         _short(e["error"], 90)))
            continue
        r = e["onnxruntime"]
        err = "" if r.get("max_abs_error") is None else f"{r['max_abs_error']:.2e}"
        note = r.get("error") or ""
        if r["verdict"] == "mismatch" and not note:
            note = r.get("assert_close_message", "")
        dbc = r.get("dynamic_batch_check")
        if dbc and (dbc.get("error") or not dbc.get("assert_close_float32")):
            note = (note + " | " if note else "") + f"batch {DYNAMIC_BATCH_CHECK}: " + \
                (dbc.get("error") or f"max abs {dbc.get('max_abs_error')}")
        rows.append((e["name"], e["exporter"], f"{e['opset_requested']}->{e['opset']}",
                     str(e["batchnorm_nodes"]), r["verdict"], err, _short(note, 90)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------------------------


def select(names: list[str] | None) -> tuple[list[Fixture], bool]:
    fixtures = all_fixtures()
    if not names:
        return fixtures, True
    chosen: list[Fixture] = []
    want_inputs = False
    for n in names:
        if n == "seed_inputs":
            want_inputs = True
            continue
        hits = [f for f in fixtures if n in (f.name, f.group, f.spec.name)]
        if not hits:
            raise SystemExit(f"--only {n}: no such fixture, model or group (try --list)")
        chosen.extend(h for h in hits if h not in chosen)
    want_inputs = want_inputs or any(f.group == "seed" for f in chosen)
    return chosen, want_inputs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="fixture, model, group or seed_inputs")
    ap.add_argument("--list", action="store_true", help="list fixture names and exit")
    args = ap.parse_args()
    if args.list:
        for f in all_fixtures():
            print(f"{f.group}/{f.name}")
        return

    import torch.onnx._constants as onnx_constants

    if onnx_constants.ONNX_DEFAULT_OPSET != DEFAULT_OPSET:
        raise SystemExit(f"torch's default opset is now {onnx_constants.ONNX_DEFAULT_OPSET}; update DEFAULT_OPSET "
                         "(it names the default-opset fixture folders)")
    torch.set_num_threads(1)
    # torch.onnx logs, on every dynamo export, that the optional torchvision ops are not registered
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)

    chosen, want_inputs = select(args.only)
    full = not args.only
    old: dict[str, Any] = {}
    if not full and MANIFEST.exists():
        old = json.loads(MANIFEST.read_text())
    if full:
        for g in ("seed", "models"):
            if (FIXTURES / g).exists():
                shutil.rmtree(FIXTURES / g)
    FIXTURES.mkdir(exist_ok=True)

    entries: dict[str, dict[str, Any]] = {e["name"]: e for e in old.get("fixtures", [])}
    for i, fx in enumerate(chosen, 1):
        print(f"[{i}/{len(chosen)}] {fx.group}/{fx.name}", flush=True)
        try:
            entries[fx.name] = generate(fx)
        except Exception:
            traceback.print_exc()
            raise
    seed_inputs = write_seed_inputs() if want_inputs else old.get("seed_inputs")
    if seed_inputs is not None:
        _check_seed_inputs(entries)
    write_manifest(list(entries.values()), seed_inputs)

    print()
    print_summary([entries[f.name] for f in chosen])
    size = dir_size(FIXTURES)
    print(f"\nfixtures/: {size / 1e6:.2f} MB in {sum(1 for p in FIXTURES.rglob('*') if p.is_file())} files; "
          f"manifest: {MANIFEST.relative_to(REPO)}")


def _check_seed_inputs(entries: dict[str, dict[str, Any]]) -> None:
    """The seed input files must hold exactly the tensors of the seed fixtures' test_data_set_0."""
    x = np.load(FIXTURES / "seed" / "inputs" / "input.npy")
    y = np.load(FIXTURES / "seed" / "inputs" / "golden.npy")
    for name in ("seed_dynamo", "seed_torchscript", "seed_bn_unfolded"):
        e = entries.get(name)
        if not e or e.get("status") != "exported":
            continue
        d = REPO / e["path"] / "test_data_set_0"
        tin = onnx.load_tensor(str(d / "input_0.pb"))
        tout = onnx.load_tensor(str(d / "output_0.pb"))
        if tin.name != INPUT_NAME or tout.name != OUTPUT_NAME:
            raise RuntimeError(f"{name}: graph names {tin.name}/{tout.name} differ from the seed input files")
        if not (np.array_equal(numpy_helper.to_array(tin), x) and np.array_equal(numpy_helper.to_array(tout), y)):
            raise RuntimeError(f"{name}: test_data_set_0 differs from fixtures/seed/inputs")


if __name__ == "__main__":
    main()
