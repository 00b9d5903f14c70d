"""Benchmark: SharedMemoryStore get/set/publish ops per second, Redis vs raw redis-py, in-process.

Usage: python bench/store_memory.py [--redis-url URL] [--ops N] [--rounds R]
                                    [--out bench/results/store_memory.json]

Every operation is measured five ways in the same run, all ops per second:
- raw bytes: redis-py with the value pre-encoded once and never decoded (the floor: no work);
- raw+json: redis-py plus json.dumps/json.loads per value (the same work the store does);
- store json / store msgpack: SharedMemoryStore on Redis with either codec (namespaced keys,
  canonical encoding, error translation);
- in-process: SharedMemoryStore on the in-process backend (JSON).
The 0.8x target is checked against raw+json (same work) and, stricter, against raw bytes.

"seq" awaits one op at a time; "concurrent" runs 16 tasks sharing the connection pool; "batch"
moves 100 keys per round trip (raw: MSET / MGET; store: set_many / get_many). The variants take
turns within each round (rotating who goes first) and the median round is reported, so all see
the same machine state.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

from codeguild.store.memory import SharedMemoryStore, open_memory_store

VALUE: dict[str, Any] = {"kind": "started", "task": "write_models", "agent": "coder-1", "n": 7}
BATCH = 100
CONCURRENCY = 16

Op = Callable[[int], Awaitable[Any]]


async def timed(op: Op, n: int, mode: str) -> float:
    """Ops per second of ``n`` calls of ``op`` (a batch call counts as BATCH ops)."""
    started = time.perf_counter()
    if mode == "concurrent":

        async def worker(w: int) -> None:
            for i in range(w, n, CONCURRENCY):
                await op(i)

        await asyncio.gather(*(worker(w) for w in range(CONCURRENCY)))
        count = n
    elif mode == "batch":
        for i in range(n // BATCH):
            await op(i)
        count = (n // BATCH) * BATCH
    else:
        for i in range(n):
            await op(i)
        count = n
    return count / (time.perf_counter() - started)


def raw_ops(r: aioredis.Redis, prefix: str) -> dict[str, Op]:
    data = json.dumps(VALUE).encode()
    keys = [f"{prefix}k{i}" for i in range(BATCH)]
    mapping = dict.fromkeys(keys, data)
    return {
        "set": lambda i: r.set(f"{prefix}k{i % 1000}", data),
        "get": lambda i: r.get(f"{prefix}k{i % 1000}"),
        "publish": lambda i: r.publish(f"{prefix}events", data),
        "set_many": lambda _: r.mset(mapping),
        "get_many": lambda _: r.mget(keys),
    }


def raw_json_ops(r: aioredis.Redis, prefix: str) -> dict[str, Op]:
    """redis-py doing the store's work by hand: json.dumps on write, json.loads on read."""
    keys = [f"{prefix}k{i}" for i in range(BATCH)]

    async def get(i: int) -> Any:
        data = await r.get(f"{prefix}k{i % 1000}")
        return None if data is None else json.loads(data)

    async def get_many(_: int) -> dict[str, Any]:
        values = await r.mget(keys)
        return {k: json.loads(v) for k, v in zip(keys, values, strict=True) if v is not None}

    return {
        "set": lambda i: r.set(f"{prefix}k{i % 1000}", json.dumps(VALUE)),
        "get": get,
        "publish": lambda i: r.publish(f"{prefix}events", json.dumps(VALUE)),
        "set_many": lambda _: r.mset({k: json.dumps(VALUE) for k in keys}),
        "get_many": get_many,
    }


def store_ops(store: SharedMemoryStore) -> dict[str, Op]:
    batch = {f"k{i}": VALUE for i in range(BATCH)}
    keys = list(batch)
    return {
        "set": lambda i: store.set(f"k{i % 1000}", VALUE),
        "get": lambda i: store.get(f"k{i % 1000}"),
        "publish": lambda i: store.publish("events", VALUE),
        "set_many": lambda _: store.set_many(batch),
        "get_many": lambda _: store.get_many(keys),
    }


CASES = [
    ("set", "seq"),
    ("get", "seq"),
    ("publish", "seq"),
    ("set", "concurrent"),
    ("get", "concurrent"),
    ("publish", "concurrent"),
    ("set_many", "batch"),
    ("get_many", "batch"),
]


async def run(redis_url: str, n: int, rounds: int) -> dict[str, Any]:
    raw_client = aioredis.Redis.from_url(redis_url)
    store = open_memory_store(redis_url)
    await store.connect()
    run_store = store.namespace(f"bench-{int(time.time())}")
    mp_store = store.namespace(f"bench-mp-{int(time.time())}", codec="msgpack")
    raw_prefix = f"rawbench-{int(time.time())}:"
    local = open_memory_store("memory://").namespace("bench")
    variants = {
        "raw": raw_ops(raw_client, raw_prefix),
        "raw_json": raw_json_ops(raw_client, raw_prefix),
        "store": store_ops(run_store),
        "store_msgpack": store_ops(mp_store),
        "inprocess": store_ops(local),
    }
    # warm up connections and the keys read by "get"
    for ops in variants.values():
        await timed(ops["set"], 1000, "seq")
    rows: list[dict[str, Any]] = []
    try:
        for op, mode in CASES:
            n_case = n * 5 if mode == "batch" else n
            samples: dict[str, list[float]] = {name: [] for name in variants}
            names = list(variants)
            for r in range(rounds):
                # rotate the order so no variant always runs first (or last) in a round
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    samples[name].append(await timed(variants[name][op], n_case, mode))
            med = {k: statistics.median(v) for k, v in samples.items()}
            rows.append(
                {
                    "op": op,
                    "mode": mode,
                    "raw_redis_ops_s": round(med["raw"]),
                    "raw_redis_json_ops_s": round(med["raw_json"]),
                    "store_redis_ops_s": round(med["store"]),
                    "store_vs_raw_json": round(med["store"] / med["raw_json"], 3),
                    "store_vs_raw": round(med["store"] / med["raw"], 3),
                    "store_msgpack_redis_ops_s": round(med["store_msgpack"]),
                    "store_msgpack_vs_raw": round(med["store_msgpack"] / med["raw"], 3),
                    "inprocess_ops_s": round(med["inprocess"]),
                }
            )
        info = await raw_client.info("server")
    finally:
        await run_store.clear()
        await mp_store.clear()
        keys = [k async for k in raw_client.scan_iter(match=f"{raw_prefix}*", count=1000)]
        if keys:
            await raw_client.delete(*keys)
        await raw_client.aclose()
        await store.close()
    return {
        "benchmark": "store_memory",
        "ops_per_round": n,
        "batch_size": BATCH,
        "concurrency": CONCURRENCY,
        "rounds": rounds,
        "value_bytes_json": len(json.dumps(VALUE)),
        "target_store_vs_raw": 0.8,
        "meets_target_same_work": all(r["store_vs_raw_json"] >= 0.8 for r in rows),
        "meets_target_vs_raw_bytes_json": all(r["store_vs_raw"] >= 0.8 for r in rows),
        "meets_target_vs_raw_bytes_msgpack": all(r["store_msgpack_vs_raw"] >= 0.8 for r in rows),
        "redis_version": info.get("redis_version"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": rows,
    }


def print_table(result: dict[str, Any]) -> None:
    header = (
        f"{'op':<10}{'mode':<11}{'raw bytes':>10}{'raw+json':>10}{'store json':>11}"
        f"{'/raw+json':>10}{'/bytes':>7}{'store mpk':>10}{'/bytes':>7}{'in-process':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in result["results"]:
        print(
            f"{r['op']:<10}{r['mode']:<11}{r['raw_redis_ops_s']:>10,}"
            f"{r['raw_redis_json_ops_s']:>10,}{r['store_redis_ops_s']:>11,}"
            f"{r['store_vs_raw_json']:>10.2f}{r['store_vs_raw']:>7.2f}"
            f"{r['store_msgpack_redis_ops_s']:>10,}{r['store_msgpack_vs_raw']:>7.2f}"
            f"{r['inprocess_ops_s']:>11,}"
        )
    for key in ("same_work", "vs_raw_bytes_json", "vs_raw_bytes_msgpack"):
        met = result[f"meets_target_{key}"]
        print(f"target >= 0.8x ({key.replace('_', ' ')}): {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--ops", type=int, default=5000, help="ops per round (x5 for batches)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "store_memory.json"
    )
    args = parser.parse_args()
    result = asyncio.run(run(args.redis_url, args.ops, args.rounds))
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
