"""Numbers, durations and sizes as requirements write them ("10k", "2,000", "2 seconds")."""

from __future__ import annotations

import re

# A count: digits with thousands separators and an optional multiplier word.
NUM = r"(?<![\w.])(\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|million|thousand|billion|bn)\b)?)"
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "billion": 1e9, "bn": 1e9}
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "ninety": 90,
}
# A small amount written as digits or a word ("7 years", "seven years").
AMOUNT = r"(\d+(?:\.\d+)?|" + "|".join(_WORDS) + r"|an?)"

# Time units as a requirement writes them -> the short form the constraint keys use.
_TIME_UNITS = {
    "ms": "ms",
    "msec": "ms",
    "millisecond": "ms",
    "s": "s",
    "sec": "s",
    "second": "s",
    "min": "min",
    "minute": "min",
    "h": "h",
    "hr": "h",
    "hour": "h",
    "d": "d",
    "day": "d",
    "week": "w",
    "wk": "w",
    "month": "mo",
    "year": "y",
    "yr": "y",
}
TIME_UNIT = (
    r"(ms|msecs?|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|wks?"
    r"|months?|years?|yrs?)\b"
)
SIZE_UNIT = r"(kb|mb|gb|tb|kilobytes?|megabytes?|gigabytes?|terabytes?)\b"


def number(raw: str) -> float:
    """'10k' -> 10000, '1,000' -> 1000, '2 million' -> 2000000, 'seven' -> 7."""
    raw = raw.replace(",", "").strip().lower()
    if raw in _WORDS:
        return float(_WORDS[raw])
    if raw in {"a", "an"}:
        return 1.0
    m = re.match(r"(\d+(?:\.\d+)?)\s*([a-z]*)", raw)
    if not m:
        return 0.0
    return float(m.group(1)) * _MULTIPLIERS.get(m.group(2), 1.0)


def fmt(value: float) -> str:
    """A number as a key shows it: no trailing '.0'."""
    return str(int(value)) if float(value).is_integer() else str(value)


def time_unit(word: str) -> str:
    """'seconds' -> 's', 'minutes' -> 'min', 'years' -> 'y' (the unit as the text gives it)."""
    word = word.lower()
    if word in _TIME_UNITS:
        return _TIME_UNITS[word]
    return _TIME_UNITS.get(word.rstrip("s"), word)


def size_unit(word: str) -> str:
    """'mb' -> 'MB', 'gigabytes' -> 'GB'."""
    return word[0].upper() + "B"
