"""Records named by what people do with them: "employees submit vacation requests".

A requirement often names what the project stores only as the object of someone's action:
"tenants file repair requests", "I write posts", "members reserve rooms". The subject is a
person (a pronoun or a noun naming someone), the verb makes or hands over something, and the
object, a plural noun phrase, is the record the project keeps.
"""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector, names_someone
from codeguild.intent.inflect import is_plural
from codeguild.intent.lexicon import word_set

# verbs whose object is something made, handed in or booked, so it has to be kept
_CREATION_VERBS = word_set(
    """submit submits write writes publish publishes post posts upload uploads file files log
    logs book books reserve reserves place places save saves share shares propose proposes
    create creates add adds enter enters register registers rent rents borrow borrows raise
    raises open opens request requests report reports schedule schedules"""
)
_PRONOUNS = word_set("""i we you they users people everyone""")
_MODALS = word_set("""can may will should must also then easily quickly to""")
_DETERMINERS = word_set("""their my our your his her new own the""")
# people who sign in are accounts, not records handed in ("admins create users")
_ACCOUNTS = word_set("""user account login person people""")
# a command line tool, library, script or pipeline keeps no records people hand in
_PROGRAM = re.compile(
    r"\b(?:cli|command[ -]line|terminal|library|package|module|script|pipeline|etl|cron|sdk)\b"
)
_WORD = re.compile(r"[a-z]+|[^a-z\s]")


def _is_person(word: str) -> bool:
    return word in _PRONOUNS or (is_plural(word) and names_someone(word))


def _object_phrase(words: list[str]) -> str | None:
    """The plural noun phrase a verb takes ("vacation requests"), or None."""
    if len(words) > 1 and words[1].isalpha() and is_plural(words[1]) and len(words[1]) > 3:
        return " ".join(words[:2])
    if words and is_plural(words[0]) and len(words[0]) > 3:
        return words[0]  # "write posts in markdown": the next word starts another phrase
    return None


def scan_roles(sentence: str, offset: int, col: Collector) -> None:
    """Add the records ``sentence`` names as what a person makes, books or hands in."""
    if _PROGRAM.search(col.text):
        return
    tokens = [(m.group(0), m.start()) for m in _WORD.finditer(sentence)]
    words = [t for t, _ in tokens]
    for j, verb in enumerate(words):
        if verb not in _CREATION_VERBS:
            continue
        i = j - 1
        while i >= 0 and words[i] in _MODALS:
            i -= 1
        if i < 0 or not _is_person(words[i]):
            continue
        k = j + 1
        while k < len(words) and words[k] in _DETERMINERS:
            k += 1
        if "(" in words[k : k + 3]:
            continue  # "book rooms (...)": the field list makes it a record already
        obj = _object_phrase(words[k : k + 2])
        # an object slot holds a noun: "farmers register their fields" names farm fields
        noun = col.noun(obj, determined=True) if obj else None
        if noun and noun[-1] not in _ACCOUNTS:
            col.add(noun, offset + tokens[k][1])
