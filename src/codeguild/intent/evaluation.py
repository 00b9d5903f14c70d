"""Scoring the intent processor against a labelled set of requirements (see tests/data/intents)."""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codeguild.errors import CodeguildError
from codeguild.intent.models import ProjectIntent


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One labelled requirement."""

    id: str
    text: str
    type: str
    stack: frozenset[str]
    entities: frozenset[str]
    # (entity, field) -> expected type, or "" when the label gives no type
    fields: dict[tuple[str, str], str]
    constraints: frozenset[str]


def load_cases(path: Path) -> list[EvalCase]:
    """Read the ``[[case]]`` tables of one TOML file."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)["case"]
    cases = []
    for item in raw:
        fields: dict[tuple[str, str], str] = {}
        for entity, names in item.get("fields", {}).items():
            for spec in names:
                name, _, ftype = spec.partition(":")
                fields[(entity, name)] = ftype
        cases.append(
            EvalCase(
                id=item["id"],
                text=item["text"],
                type=item["type"],
                stack=frozenset(item.get("stack", [])),
                entities=frozenset(item.get("entities", [])),
                fields=fields,
                constraints=frozenset(item.get("constraints", [])),
            )
        )
    return cases


SPLITS = ("tune", "heldout")


def split_files(directory: Path, split: str) -> list[Path]:
    """The files of one split: every ``<split>*.toml`` in ``directory`` (tune.toml, tune2.toml)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    return sorted(directory.glob(f"{split}*.toml"))


def load_split(directory: Path, split: str) -> list[EvalCase]:
    """Every case of one split, file by file; an id used twice is an error in the set."""
    cases = [case for path in split_files(directory, split) for case in load_cases(path)]
    ids = [c.id for c in cases]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"case ids used more than once in the {split} split: {duplicated}")
    return cases


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: Iterable[object], got: Iterable[object]) -> None:
        want, have = set(expected), set(got)
        self.tp += len(want & have)
        self.fp += len(have - want)
        self.fn += len(want - have)

    def f1(self) -> float:
        if self.tp == 0:
            return 1.0 if self.fp == 0 and self.fn == 0 else 0.0
        precision = self.tp / (self.tp + self.fp)
        recall = self.tp / (self.tp + self.fn)
        return 2 * precision * recall / (precision + recall)


def predicted_type(intent: ProjectIntent) -> str:
    """The requested kind of project (web_app and data_pipeline included)."""
    if intent.classification is not None:
        return intent.classification.category.value
    return intent.project_type.value


def named_stack(intent: ProjectIntent) -> set[str]:
    """Technologies the text named: every stack entry that was not filled in by default."""
    stack = intent.tech_stack
    items = {*stack.language, *stack.backend, *stack.database, *stack.testing, *stack.other}
    items = {i for i in items if " " not in i}  # "postgresql 16" style version notes
    return items - set(stack.defaults)


@dataclass
class EvalReport:
    """Metrics of one run over a set of cases, plus the misses for inspection."""

    cases: int = 0
    type_accuracy: float = 0.0
    stack_f1: float = 0.0
    entity_f1: float = 0.0
    field_f1: float = 0.0
    field_type_accuracy: float = 0.0
    constraint_f1: float = 0.0
    latency_ms_median: float = 0.0
    latency_ms_p95: float = 0.0
    misses: list[dict[str, object]] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return {
            "cases": self.cases,
            "type_accuracy": round(self.type_accuracy, 4),
            "stack_f1": round(self.stack_f1, 4),
            "entity_f1": round(self.entity_f1, 4),
            "field_f1": round(self.field_f1, 4),
            "field_type_accuracy": round(self.field_type_accuracy, 4),
            "constraint_f1": round(self.constraint_f1, 4),
            "latency_ms_median": round(self.latency_ms_median, 2),
            "latency_ms_p95": round(self.latency_ms_p95, 2),
        }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def evaluate(cases: list[EvalCase], process: Callable[[str], ProjectIntent]) -> EvalReport:
    """Run ``process`` on every case and score it."""
    stack, entities, fields, constraints = _Counts(), _Counts(), _Counts(), _Counts()
    type_hits = typed = typed_right = 0
    latencies: list[float] = []
    report = EvalReport(cases=len(cases))
    for case in cases:
        started = time.perf_counter()
        try:
            intent: ProjectIntent | None = process(case.text)
        except CodeguildError as exc:
            # a rejected requirement scores as an empty intent; the miss names the error
            intent = None
            report.misses.append({"id": case.id, "error": exc.code})
        latencies.append((time.perf_counter() - started) * 1000)
        if intent is None:
            stack.add(case.stack, ())
            entities.add(case.entities, ())
            fields.add(case.fields, ())
            constraints.add(case.constraints, ())
            continue
        got_type = predicted_type(intent)
        type_hits += got_type == case.type
        got_stack = named_stack(intent)
        stack.add(case.stack, got_stack)
        # the labels name the records a project stores: not an entity assumed because the text
        # named none (like stack defaults), nor a library's types or the data a pipeline moves
        named = [e for e in intent.entities if not e.assumed and e.role == "record"]
        got_entities = {e.name for e in named}
        entities.add(case.entities, got_entities)
        got_fields = {(e.name, f.name): f.type for e in named for f in e.fields}
        # fields are scored for the entities the label describes, so an entity miss is not
        # counted twice; fields the label leaves out of a described entity are false positives
        described = {entity for entity, _ in case.fields}
        fields.add(case.fields, {k for k in got_fields if k[0] in described})
        for key, want in case.fields.items():
            if want and key in got_fields:
                typed += 1
                typed_right += got_fields[key] == want
        got_constraints = {c.key for c in intent.constraints.parsed}
        constraints.add(case.constraints, got_constraints)
        miss = {
            "id": case.id,
            "type": None if got_type == case.type else f"{case.type} -> {got_type}",
            "stack": _diff(case.stack, got_stack),
            "entities": _diff(case.entities, got_entities),
            "fields": _diff(
                {f"{e}.{n}" for e, n in case.fields},
                {f"{e}.{n}" for e, n in got_fields if e in described},
            ),
            "constraints": _diff(case.constraints, got_constraints),
        }
        if any(v for k, v in miss.items() if k != "id"):
            report.misses.append({k: v for k, v in miss.items() if v})
    report.type_accuracy = type_hits / max(1, len(cases))
    report.stack_f1 = stack.f1()
    report.entity_f1 = entities.f1()
    report.field_f1 = fields.f1()
    report.field_type_accuracy = typed_right / typed if typed else 1.0
    report.constraint_f1 = constraints.f1()
    if latencies:
        report.latency_ms_median = statistics.median(latencies)
        report.latency_ms_p95 = _p95(latencies)
    return report


def _diff(expected: Iterable[str], got: Iterable[str]) -> dict[str, list[str]] | None:
    want, have = set(expected), set(got)
    missing, extra = sorted(want - have), sorted(have - want)
    if not missing and not extra:
        return None
    return {"missing": missing, "extra": extra}
