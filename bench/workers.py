"""Measurements, each run in its own process by bench.py: ``python bench/workers.py KIND ARGS.json RESULT.json``.

Every worker writes one JSON result. Workers that can run long also append progress events
(JSON lines) to ``RESULT.json.events`` so a run stopped for time or memory still says how far
it got and how its memory grew.
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

Args = dict[str, Any]


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set (VmRSS) or its high-water mark (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class Events:
    """Progress events as JSON lines, flushed at once."""

    def __init__(self, path: Path) -> None:
        self.stream = path.open("a", encoding="utf-8")
        self.start = time.perf_counter()

    def add(self, kind: str, **data: object) -> None:
        record = {"kind": kind, "t": round(time.perf_counter() - self.start, 3),
                  "rss_mb": round(rss_mb(), 1), "hwm_mb": round(rss_mb("VmHWM"), 1), **data}
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()


# ---------------------------------------------------------------- bare spaCy


def load_spacy(model: str, ruler: bool):  # type: ignore[no-untyped-def]
    """``spacy.load(model)``; with ``ruler``, kg's pipeline without its relation component."""
    if not ruler:
        import spacy

        return spacy.load(model)
    from kg.nlp import RULES_ONLY, build_pipeline

    nlp = build_pipeline(model, scorer=RULES_ONLY)
    nlp.remove_pipe("kg_relations")
    return nlp


def work_tokens(args: Args) -> dict[str, object]:
    """Tokens and characters of the corpus, counted once with the model's tokenizer."""
    import spacy

    from corpus import read_texts

    texts = read_texts(Path(args["corpus"]))
    nlp = spacy.load(args["model"])
    tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=256))
    return {"documents": len(texts), "tokens": tokens, "chars": sum(len(t) for t in texts)}


def work_spacy(args: Args) -> dict[str, object]:
    """``nlp.pipe(texts, batch_size, n_process)`` over the corpus; only the pipe loop is timed as pipe_s."""
    from corpus import read_texts

    clock = time.perf_counter()
    nlp = load_spacy(args["model"], args["ruler"])
    load_s = time.perf_counter() - clock
    texts = read_texts(Path(args["corpus"]))
    clock = time.perf_counter()
    count = 0
    for doc in nlp.pipe(texts, batch_size=args["batch_size"], n_process=args["n_process"]):
        count += len(doc) > 0
    pipe_s = time.perf_counter() - clock
    return {"load_s": load_s, "pipe_s": pipe_s, "documents": count, "pipe_names": nlp.pipe_names}


def pair_texts_of(args: Args) -> list[str]:
    """The marked candidate texts `kg build --scorer PAIR` encodes for the corpus: kg's
    candidates whose best stage-A relation probability reaches the pair model's floor."""
    from corpus import read_texts

    from kg.nlp import RESULT_KEY, RULES_ONLY, build_pipeline
    from kg.extraction import Extraction
    from kg.pair_model import PairModel, over_floor, pair_texts
    from kg.scorer import candidate_rows, in_class_order, load_stage_a

    pair = PairModel.load(Path(args["pair"]))
    scorer = load_stage_a(Path(args["pair"]) / "scorer.json")
    nlp = build_pipeline(args["model"], scorer=RULES_ONLY)  # the candidates are made after the rules
    texts: list[str] = []
    for doc in nlp.pipe(read_texts(Path(args["corpus"])), batch_size=args["batch_size"]):
        if RESULT_KEY not in doc.user_data:
            continue
        _, found, rows = candidate_rows(doc, Extraction.from_dict(doc.user_data[RESULT_KEY]))
        if not found:
            continue
        chosen = over_floor(in_class_order(scorer.predict_proba(rows), scorer.classes), pair.floor)
        texts += pair_texts(doc, [found[i] for i in chosen])
    return texts


def work_spacy_encoder(args: Args) -> dict[str, object]:
    """(b): bare spaCy over the corpus, then the bare ONNX encoder over the texts kg encodes.
    The texts are chosen first (untimed: kg's candidates and stage A); the clock covers spaCy's
    load and pipe and the encoder's load and runs."""
    from corpus import read_texts

    clock = time.perf_counter()
    texts = pair_texts_of(args)
    prepare_s = time.perf_counter() - clock
    Path(args["texts"]).write_text(json.dumps(texts), encoding="utf-8")
    import spacy

    clock = time.perf_counter()
    nlp = spacy.load(args["model"])
    count = sum(len(doc) > 0 for doc in nlp.pipe(read_texts(Path(args["corpus"])), batch_size=args["batch_size"]))
    pipe_s = time.perf_counter() - clock
    clock = time.perf_counter()
    from kg.encoder import Encoder

    encoder = Encoder(Path(args["pair"]))
    encoder.hidden(encoder.tokenizer.encode_batch(texts))
    encoder_s = time.perf_counter() - clock
    return {"prepare_s": prepare_s, "pipe_s": pipe_s, "encoder_s": encoder_s, "timed_s": pipe_s + encoder_s, "documents": count, "encoded": len(texts)}


# ---------------------------------------------------------------- kg build, stage by stage


class Stopwatch:
    """Wraps functions so their time (and the RSS after them) is recorded, without editing kg."""

    def __init__(self, events: Events) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.events = events

    def wrap(self, name: str, function: Callable[..., Any], checkpoint: bool = False) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            clock = time.perf_counter()
            result = function(*args, **kwargs)
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - clock
            self.calls[name] = self.calls.get(name, 0) + 1
            if checkpoint:
                self.events.add("after", stage=name, size=_size(result))
            return result

        return timed


def _size(result: object) -> object:
    """A rough size of a stage's output: list length, or triples in graphs."""
    if isinstance(result, tuple) and result and isinstance(result[0], list):
        return {"items": len(result[0])}
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list):
        first, rest = result
        if hasattr(first, "__len__") and all(hasattr(g, "__len__") for g in rest):
            return {"default_triples": len(first), "named_graphs": len(rest), "named_triples": sum(len(g) for g in rest)}
        return {"items": len(rest)}
    if isinstance(result, str):
        return {"chars": len(result)}
    if hasattr(result, "__len__"):
        return {"len": len(result)}  # type: ignore[arg-type]
    return None


def instrument(events: Events) -> Stopwatch:
    """Patch kg's module globals with timed wrappers (this process only)."""
    import kg.build as kb
    import kg.nlp as kn
    import kg.validate as kv

    watch = Stopwatch(events)
    kn.RelationComponent.__call__ = watch.wrap("extract (kg_relations component)", kn.RelationComponent.__call__)
    from_dict = kb.Extraction.from_dict
    kb.Extraction.from_dict = staticmethod(watch.wrap("Extraction.from_dict", from_dict))  # type: ignore[method-assign,assignment]
    for module, attribute, name, checkpoint in PATCHES:
        target = {"build": kb, "validate": kv}[module]
        if hasattr(target, attribute):  # kg changes under us: time what exists
            setattr(target, attribute, watch.wrap(name, getattr(target, attribute), checkpoint))
        else:
            events.add("missing", stage=f"kg.{module}.{attribute}")
    return watch


# (module, function, label, record RSS after it): kg.build looks these up as module globals.
PATCHES = (
    ("build", "build_pipeline", "build_pipeline (model load + ruler patterns)", False),
    ("build", "resolve_document", "resolve_document", False),
    ("build", "_write_graphs", "merge runs, write graph files", True),
)


def work_stages(args: Args) -> dict[str, object]:
    """``kg.build.build()`` in this process, with per-stage times and RSS checkpoints."""
    events = Events(Path(args["events"]))
    events.add("start")
    watch = instrument(events)
    import kg.build as kb

    every = max(1, int(args.get("rss_every", 250)))
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] % every == 0:
            events.add("analysed", documents=done[0])

    clock = time.perf_counter()
    summary = kb.build([Path(args["corpus"])], Path(args["out"]), model=args["model"], workers=args["workers"], progress=progress)
    wall = time.perf_counter() - clock
    events.add("done")
    return {
        "build_s": wall,
        "timings": summary.timings,
        "batch_timings": summary.batch_timings,
        "rewritten": summary.rewritten,
        "background": summary.background,
        "functions": watch.seconds,
        "calls": watch.calls,
        "triples": summary.triples,
        "documents": summary.documents,
        "entities": summary.entities,
        "events": sum(summary.events.values()),
        "relations": sum(summary.relations.values()),
        "conforms": summary.conforms,
        "violations": summary.violations,
        "graph_bytes": (Path(args["out"]) / "graph.ttl").stat().st_size,
    }


# ---------------------------------------------------------------- store and queries


def work_load(args: Args) -> dict[str, object]:
    """``kg.store.load_into_store`` (streamed bulk load) of a built graph into a new store."""
    from kg.store import load_into_store

    clock, cpu = time.perf_counter(), time.process_time()
    report = load_into_store(Path(args["graph"]), Path(args["store"]))
    return {"load_s": time.perf_counter() - clock, "load_cpu_s": time.process_time() - cpu, "triples": report.triples,
            "graph_bytes": Path(args["graph"]).stat().st_size}


def _query_runs(run: Callable[[], Any], repeats: int, budget_s: float) -> dict[str, object]:
    """The first run (cold) and up to ``repeats`` more within the budget (at least 3)."""
    clock = time.perf_counter()
    result = run()
    cold = time.perf_counter() - clock
    times, cpu = [], []
    budget = time.perf_counter() + budget_s
    while len(times) < repeats and (len(times) < 3 or time.perf_counter() < budget):
        clock, process = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - clock)
        cpu.append(time.process_time() - process)
    rows = len(result.rows) if hasattr(result, "rows") else None
    return {"cold_s": cold, "times_s": times, "cpu_s": cpu, "rows": rows}


def work_queries(args: Args) -> dict[str, object]:
    """p50/p95 of each canned query against the store, in process (no start-up counted): the
    whole answer, its first page (``kg query --limit PAGE``), a page ten pages in (``--offset
    10×PAGE``) and, for a long answer, its last page; ``evidence.rq`` also for one bound
    relation (the kg:backs pair with the most sentences), whole and first page, and
    ``strikes.rq`` for the agent of that pair (one actor's strikes), first page."""
    from kg import query as kq

    source = kq.Source("store", args["store"])
    page = int(args.get("page", 100))
    repeats, budget = int(args["repeats"]), float(args["budget_s"])
    out: dict[str, object] = {}
    for path in sorted(Path(args["queries"]).glob("*.rq")):
        text = kq.read_query(str(path))
        out[path.name] = _query_runs(lambda: kq.run(text, source), repeats, budget)
        out[f"{path.name} --limit {page}"] = _query_runs(lambda: kq.run(text, source, limit=page), repeats, budget)
        out[f"{path.name} --limit {page} --offset {10 * page}"] = _query_runs(lambda: kq.run(text, source, limit=page, offset=10 * page), repeats, budget)
        rows = out[path.name]["rows"]  # type: ignore[index]
        if isinstance(rows, int) and rows > 11 * page:
            last = rows - page
            out[f"{path.name} --limit {page} --offset {last} (last page)"] = _query_runs(lambda: kq.run(text, source, limit=page, offset=last), repeats, budget)
    top = kq.run(kq.read_query("backs"), source)
    if isinstance(top, kq.SelectResult) and top.rows:
        backer, _, backed = top.rows[0][:3]
        text = kq.read_query("evidence")
        bindings = {"s": backer, "p": kq.to_term("kg:backs"), "o": backed}
        label = f"evidence.rq s={kq.display(backer)} p=kg:backs o={kq.display(backed)}"
        out[label] = _query_runs(lambda: kq.run(text, source, bindings), repeats, budget)
        out[f"{label} --limit {page}"] = _query_runs(lambda: kq.run(text, source, bindings, limit=page), repeats, budget)
        strikes = kq.read_query("strikes")
        actor = {"actor": backer}
        out[f"strikes.rq actor={kq.display(backer)} --limit {page}"] = _query_runs(lambda: kq.run(strikes, source, actor, limit=page), repeats, budget)
    return out


# ---------------------------------------------------------------- profile


def work_profile(args: Args) -> dict[str, object]:
    """cProfile of ``kg.build.build()`` (workers 1): top entries and time by package."""
    import kg.build as kb

    profile = cProfile.Profile()
    profile.enable()
    # In process: a background process's time would be invisible to cProfile.
    summary = kb.build([Path(args["corpus"])], Path(args["out"]), model=args["model"], workers=1, background=False)
    profile.disable()
    profile.dump_stats(args["prof"])
    stats = pstats.Stats(profile)
    top: dict[str, str] = {}
    for key in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats(key).print_stats(int(args["top"]))
        top[key] = text.getvalue()
    return {"top": top, "by_package": by_package(stats), "timings": summary.timings, "triples": summary.triples}


PACKAGES = (
    ("/kg/extraction/", "kg extract"), ("/kg/resolve.py", "kg resolve"), ("/kg/rdf.py", "kg rdf"),
    ("/kg/build.py", "kg build"), ("/kg/stream.py", "kg stream"), ("/kg/export.py", "kg export"), ("/kg/nlp.py", "kg nlp"), ("/kg/validate.py", "kg validate"), ("/kg/", "kg other"),
    ("/pyshacl/", "pySHACL"), ("/pyoxigraph/", "pyoxigraph"), ("/rdflib/plugins/serializers", "rdflib serialise"), ("/rdflib/", "rdflib"),
    ("/thinc/", "thinc (spaCy models)"), ("/spacy/matcher/", "spaCy Matcher (model attribute_ruler)"), ("/spacy/", "spaCy"), ("/numpy/", "numpy"), ("/srsly/", "srsly"),
    ("/owlrl/", "owlrl"), ("/yaml/", "yaml"), ("/dataclasses", "dataclasses"),
)


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time (tottime) summed per package or kg module; builtins count where they are named."""
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        path = "/" + filename
        bucket = next((label for needle, label in PACKAGES if needle in path), None)
        if bucket is None:
            bucket = "builtins: " + name.split(" ")[-1].strip("<>'") if filename == "~" else "other python"
        totals[bucket] = totals.get(bucket, 0.0) + tottime
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


WORKERS: dict[str, Callable[[Args], dict[str, object]]] = {
    "tokens": work_tokens,
    "spacy": work_spacy,
    "spacy_encoder": work_spacy_encoder,
    "stages": work_stages,
    "load": work_load,
    "queries": work_queries,
    "profile": work_profile,
}


def main() -> None:
    kind, args_path, result_path = sys.argv[1:4]
    args = json.loads(Path(args_path).read_text(encoding="utf-8"))
    result = WORKERS[kind](args)
    result["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    Path(result_path).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
