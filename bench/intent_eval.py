"""Benchmark: the intent processor on the labelled evaluation set, with and without the nlp extra.

Usage: python bench/intent_eval.py [--repeat N] [--load-repeat N] [--out bench/results/intent.json]

Scores (project type accuracy; F1 of tech stack, entities, fields and constraints) are computed on
both splits of tests/data/intents: every tune*.toml was used while improving the rules, no
heldout*.toml was, so the held-out numbers are the headline. Only the tune split's misses are
written out; the held-out split reports aggregates alone, so it stays blind. The keyword path is
forced with CODEGUILD_INTENT_CLASSIFIER=keywords; with the extra installed the embedding path
runs twice: always blended (``embedding``) and gated (``auto``: the model is asked only when the
keywords do not decide), with the share of requirements for which the gated path asked it.

Latency is per requirement with the similar-request cache off: the median and p95 of each pass,
then the median over --repeat passes (the machine may be shared, so single passes are noisy).
The model's load time is measured separately, in fresh processes (--load-repeat of them).
The similar-request cache is checked on near-duplicates of the held-out requirements (case,
punctuation and filler words changed) and on variants with one more field (must miss).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from codeguild import __version__
from codeguild.config import Settings
from codeguild.intent import embeddings, zeroshot
from codeguild.intent.evaluation import SPLITS, EvalReport, evaluate, load_split
from codeguild.intent.models import ProjectIntent
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "intents"
TARGETS = {
    "type_accuracy": 0.95,
    "stack_f1": 0.95,
    "entity_f1": 0.85,
    "field_f1": 0.80,
    "latency_ms_median_keywords": 20.0,
    "latency_ms_median_embedding": 100.0,
}
_LOAD_SNIPPET = (
    "import time; t = time.perf_counter(); "
    "from codeguild.intent import zeroshot, embeddings; zeroshot.warm_up(); "
    "print(embeddings.load_seconds(), time.perf_counter() - t)"
)


def run_mode(classifier: str, repeat: int) -> dict[str, object]:
    settings = Settings(intent_classifier=classifier, intent_cache_size=0)  # type: ignore[arg-type]
    processor = IntentProcessor(settings, cache=SimilarRequestCache(0))
    if processor.use_embeddings:
        zeroshot.warm_up()  # the model loads here, not inside a measured requirement
    result: dict[str, object] = {"classifier": processor.method, "mode": processor.mode}
    consulted: list[bool] = []

    def process(text: str) -> ProjectIntent:
        intent = processor.process(text)
        consulted.append(
            intent.classification is not None and intent.classification.model_consulted
        )
        return intent

    for split in SPLITS:
        cases = load_split(DATA, split)
        consulted.clear()
        reports: list[EvalReport] = [evaluate(cases, process) for _ in range(repeat)]
        metrics = reports[0].metrics()
        metrics["model_consulted_share"] = round(sum(consulted) / max(1, len(consulted)), 4)
        metrics["latency_ms_median"] = round(
            statistics.median(r.latency_ms_median for r in reports), 2
        )
        metrics["latency_ms_p95"] = round(statistics.median(r.latency_ms_p95 for r in reports), 2)
        entry: dict[str, object] = {"metrics": metrics}
        if split == "tune":
            entry["misses"] = reports[0].misses
        result[split] = entry
    return result


def model_load(repeat: int) -> dict[str, float]:
    loads, warmups = [], []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_SNIPPET], capture_output=True, text=True, check=True
        ).stdout.split()
        loads.append(float(out[-2]))
        warmups.append(float(out[-1]))
    return {
        "model_load_s_median": round(statistics.median(loads), 2),
        "load_and_label_embeddings_s_median": round(statistics.median(warmups), 2),
        "runs": repeat,
    }


def _near_duplicate(text: str) -> str:
    return "Please " + text.lower().replace(",", " ,").replace(". ", " ").rstrip(".") + " thanks"


def cache_check(classifier: str) -> dict[str, object]:
    settings = Settings(intent_classifier=classifier)  # type: ignore[arg-type]
    cache = SimilarRequestCache(capacity=512, threshold=settings.intent_cache_threshold)
    processor = IntentProcessor(settings, cache=cache)
    cases = load_split(DATA, "heldout")
    for case in cases:
        processor.process(case.text)
    hits, wrong_hits, hit_ms = 0, 0, []
    for case in cases:
        started = time.perf_counter()
        intent = processor.process(_near_duplicate(case.text))
        elapsed = (time.perf_counter() - started) * 1000
        if intent.similar_request is not None:
            hits += 1
            hit_ms.append(elapsed)
        more = processor.process(case.text + " Also store a loyalty points balance.")
        wrong_hits += more.similar_request is not None
    return {
        "classifier": processor.method,
        "mode": processor.mode,
        "threshold": settings.intent_cache_threshold,
        "near_duplicates": len(cases),
        "near_duplicate_hits": hits,
        "one_more_field_variants": len(cases),
        "one_more_field_hits": wrong_hits,
        "hit_latency_ms_median": round(statistics.median(hit_ms), 2) if hit_ms else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load-repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "intent.json")
    args = parser.parse_args()
    result: dict[str, object] = {
        "codeguild": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "repeat": args.repeat,
        "targets": TARGETS,
        "nlp_extra_installed": embeddings.available(),
    }
    result["without_extra"] = run_mode("keywords", args.repeat)
    result["cache_without_extra"] = cache_check("keywords")
    if embeddings.available():
        result["with_extra"] = run_mode("embedding", args.repeat)
        result["with_extra_gated"] = run_mode("auto", args.repeat)
        result["model_load"] = model_load(args.load_repeat)
        result["cache_with_extra"] = cache_check("embedding")
        result["cache_with_extra_gated"] = cache_check("auto")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for mode in ("without_extra", "with_extra", "with_extra_gated"):
        if mode not in result:
            continue
        for split in ("heldout", "tune"):
            m = result[mode][split]["metrics"]  # type: ignore[index]
            print(
                f"{mode:14} {split:8} type={m['type_accuracy']:.3f} stack={m['stack_f1']:.3f} "
                f"entity={m['entity_f1']:.3f} field={m['field_f1']:.3f} "
                f"ftype={m['field_type_accuracy']:.3f} constraint={m['constraint_f1']:.3f} "
                f"median={m['latency_ms_median']:.1f}ms p95={m['latency_ms_p95']:.1f}ms"
            )
    if "with_extra_gated" in result:
        shares = {
            split: result["with_extra_gated"][split]["metrics"]["model_consulted_share"]  # type: ignore[index]
            for split in ("heldout", "tune")
        }
        print(f"gated: share of requirements that consulted the model: {shares}")
    if "model_load" in result:
        print(f"model load: {result['model_load']}")
    print(f"cache: {result['cache_without_extra']}")
    for key in ("cache_with_extra", "cache_with_extra_gated"):
        if key in result:
            print(f"cache: {result[key]}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
