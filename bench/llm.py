"""Benchmark: the LLM engine against the scripted OpenAI-compatible server (no real model).

Usage: python bench/llm.py [--calls N] [--out bench/results/llm.json]

- per example requirement: calls, prompt and completion tokens to plan and write the project
  (intent refinement + blueprint + every component), cold and with a warm cache (target 0 calls);
- client-side overhead per call: client-measured latency minus the server handler's own time,
  for plain, streamed and sync-engine (portal) calls (target <= 2 ms);
- cache hit latency vs miss; the overhead of one retried 500 beyond the backoff sleep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from examples import EXAMPLES

from codeguild import __version__
from codeguild.engines.llm import LLMClient, LLMConfig, LLMEngine, RetryPolicy
from codeguild.intent.processor import IntentProcessor
from codeguild.store.memory import open_memory_store
from support.llm_projects import TinyLibraryModel, intent_draft
from support.scripted_llm import Reply, ScriptedLLM


class BenchModel(TinyLibraryModel):
    """The tiny-library model, plus an intent answer."""

    def __call__(self, body: dict[str, Any]) -> Reply:
        if "## task: intent" in str(body["messages"][1]["content"]):
            return Reply.json(json.loads(intent_draft()))
        return super().__call__(body)


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 3),
    }


def generate(engine: LLMEngine, requirement: str) -> None:
    rules = IntentProcessor().process(requirement)
    intent = engine.refine_intent(requirement, rules)
    intent = intent.model_copy(update={"project_type": rules.project_type})
    blueprint = engine.blueprint(intent)
    for component in blueprint.components:
        engine.write_component(intent, component.name)


def projects(server: ScriptedLLM) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, requirement in EXAMPLES.items():
        store = open_memory_store()
        config = LLMConfig(base_url=server.base_url, model="scripted")
        row: dict[str, Any] = {}
        for phase in ("cold", "warm"):
            before = server.calls
            started = time.perf_counter()
            with LLMEngine(config, store=store) as engine:
                generate(engine, requirement)
                usage = engine.usage()
            row[phase] = {
                "server_calls": server.calls - before,
                "cache_hits": usage.cache_hits,
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "wall_s": round(time.perf_counter() - started, 4),
            }
        out[name] = row
    return out


async def overhead(server: ScriptedLLM, calls: int) -> dict[str, Any]:
    config = LLMConfig(base_url=server.base_url, model="scripted", cache=False)
    client = LLMClient(config)
    results: dict[str, Any] = {}
    for mode, stream in (("plain", False), ("streamed", True)):
        server.reset()
        server.default = lambda _body: Reply("x" * 2000)
        latencies = []
        for i in range(calls):
            started = time.perf_counter()
            await client.complete("code", [{"role": "user", "content": f"n{i}"}], stream=stream)
            latencies.append(time.perf_counter() - started)
        handler = [s.handler_s for s in server.served]
        over = [c - h for c, h in zip(latencies[5:], handler[5:], strict=True)]  # skip warm-up
        results[mode] = {
            "client": _ms(latencies[5:]),
            "server": _ms(handler[5:]),
            "overhead": _ms(over),
        }
    await client.close()
    return results


def portal_overhead(server: ScriptedLLM, calls: int) -> dict[str, Any]:
    """The same plain call made through the engine's sync portal (how the pipeline calls it)."""
    server.reset()
    server.default = lambda _body: Reply("x" * 2000)
    config = LLMConfig(base_url=server.base_url, model="scripted", cache=False)
    latencies = []
    with LLMEngine(config) as engine:
        for i in range(calls):
            msgs = [{"role": "user", "content": f"p{i}"}]
            started = time.perf_counter()
            engine._portal.run(engine.client.complete("code", msgs))
            latencies.append(time.perf_counter() - started)
    handler = [s.handler_s for s in server.served]
    over = [c - h for c, h in zip(latencies[5:], handler[5:], strict=True)]
    return {"client": _ms(latencies[5:]), "overhead": _ms(over)}


async def cache_and_retries(server: ScriptedLLM, calls: int) -> dict[str, Any]:
    server.reset()
    server.default = lambda _body: Reply("y" * 2000)
    client = LLMClient(
        LLMConfig(
            base_url=server.base_url,
            model="scripted",
            retry=RetryPolicy(max_retries=2, backoff_s=0),
        ),
        store=open_memory_store(),
    )
    miss, hit = [], []
    for i in range(calls):
        msgs = [{"role": "user", "content": f"c{i}"}]
        started = time.perf_counter()
        completion = await client.complete("code", msgs)
        miss.append(time.perf_counter() - started)
        await client.remember(completion)
        started = time.perf_counter()
        await client.complete("code", msgs)
        hit.append(time.perf_counter() - started)
    plain, retried = [], []
    for i in range(calls):
        started = time.perf_counter()
        await client.complete("code", [{"role": "user", "content": f"r{i}"}])
        plain.append(time.perf_counter() - started)
        server.queue(Reply.server_error(500))
        started = time.perf_counter()
        await client.complete("code", [{"role": "user", "content": f"s{i}"}])
        retried.append(time.perf_counter() - started)
    await client.close()
    extra = [r - p for r, p in zip(retried, plain, strict=True)]
    return {
        "cache_miss": _ms(miss),
        "cache_hit": _ms(hit),
        "one_retry_extra_with_zero_backoff": _ms(extra),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "llm.json")
    args = parser.parse_args()
    with ScriptedLLM(default=BenchModel()).running() as server:
        per_project = projects(server)
        client_overhead = asyncio.run(overhead(server, args.calls))
        client_overhead["sync_engine_portal"] = portal_overhead(server, args.calls)
        cache = asyncio.run(cache_and_retries(server, args.calls // 2))
    result = {
        "benchmark": "llm",
        "codeguild": __version__,
        "python": platform.python_version(),
        "machine": {"platform": platform.platform()},
        "model": "scripted (tests/support/llm_projects.py: a tiny library for any requirement)",
        "targets": {"warm_cache_calls": 0, "client_overhead_median_ms": 2.0},
        "projects": per_project,
        "client_overhead": client_overhead,
        "cache_and_retries": cache,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
