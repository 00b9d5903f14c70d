"""Language detection: which script a requirement is in and whether it reads as English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from codeguild.intent.lexicon import word_set

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function words only: content words overlap too much between languages to be a signal.
ENGLISH_STOPWORDS = word_set(
    """a about after all also an and any are as at be because been but by can could do does each
    every for from has have how i if in into is it its let lets me more most must my need no not
    of on one only or other our out should so some such than that the their them then there
    these they this to up us use used using want was we were what when where which while who
    will with would you your yours both back between must via per"""
)

# Frequent function words of other Latin-script languages that are not also English words.
FOREIGN_STOPWORDS = word_set(
    """der das und ist nicht mit für ein eine einen einem dem des zu von soll sollen werden wird
    auf ich wir sie auch oder bitte eine jede jeder jedes erstelle baue schreibe muss können
    kann el los las que y para con una es por del como cada crear debe puede sus su pero tiene
    le les et pour avec est du qui dans sur chaque créer doit peut une avec aux être il gli che
    di ogni creare deve sono della delle degli anche uma com não cada criar deve são pelo pela
    uns umas também het een voor niet zijn maar ook"""
)

_LATIN = "LATIN"


@dataclass(frozen=True, slots=True)
class LanguageProfile:
    """What a text is written in, measured on its letters and words."""

    letters: int
    non_latin_share: float
    dominant_script: str
    words: int
    english_hits: int
    foreign_hits: int

    @property
    def looks_english(self) -> bool:
        if self.letters and self.non_latin_share > 0.3:
            return False
        # Short, keyword-only requests ("todo CLI") carry no function words at all.
        if self.foreign_hits < 2:
            return True
        return self.english_hits * 1.5 >= self.foreign_hits


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    return name.split(" ", 1)[0]


def profile(text: str) -> LanguageProfile:
    """Count scripts and function words of ``text``."""
    scripts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ch.isascii():
                scripts[_LATIN] = scripts.get(_LATIN, 0) + 1
            else:
                script = _script(ch)
                scripts[script] = scripts.get(script, 0) + 1
    non_latin = letters - scripts.get(_LATIN, 0)
    dominant = max(scripts, key=scripts.__getitem__) if scripts else _LATIN
    words = [w.lower() for w in _WORD.findall(text)]
    return LanguageProfile(
        letters=letters,
        non_latin_share=non_latin / letters if letters else 0.0,
        dominant_script=dominant,
        words=len(words),
        english_hits=sum(w in ENGLISH_STOPWORDS for w in words),
        foreign_hits=sum(w in FOREIGN_STOPWORDS for w in words),
    )
