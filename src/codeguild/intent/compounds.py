"""Compound entity names: which word before a head noun names a kind of it.

"purchase orders" is a PurchaseOrder and "support tickets" a SupportTicket, while "new orders",
"descriptive statistics" and "approve orders" are Orders, Statistics and an action on Orders.
Without a part-of-speech tagger the decision rests on word lists and adjective endings.
"""

from __future__ import annotations

from codeguild.intent.inflect import is_plural
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import COMMAND_VERBS, META_VERBS, word_set
from codeguild.intent.textutil import is_noun_candidate

# endings of adjectives ("descriptive statistics", "medical devices"): qualities, not kinds
_ADJECTIVE_ENDINGS = ("ive", "al", "ous", "ful", "less", "able", "ible", "ic", "ical", "ary")
# words before a noun that qualify it rather than name a kind of it
_NOT_MODIFIERS = word_set(
    """new old existing all multiple several different personal main various simple basic custom
    public private active open user users daily weekly monthly yearly recent past future current
    individual single related associated favorite favourite online internal external digital
    physical local remote upcoming incoming outgoing pending final first last next previous big
    small large little short long high low top bottom full empty free paid total whole certain
    specific general special regular normal standard default primary secondary extra additional
    optional required unique valid invalid best good bad great nice cool important key real fake
    own same such other any some each every both either neither many few numerous more most less
    fewer enough one two three four five six seven eight nine ten dozen hundred thousand"""
)
# verbs that come before a plural object ("place orders", "approve requests")
VERBS = word_set(
    """place approve publish browse buy sell submit upload enroll assign rent manage track handle
    schedule keep organise organize catalog maintain administer edit like follow invite join
    leave cancel confirm accept reject pay receive ship deliver return borrow lend reserve see
    read write send collect hold register run propose vote tick pick choose select save load
    print give take make display contain include need want use allow let help create add delete
    update list view remove show get find search filter sort export import put"""
)


def is_modifier_noun(word: str) -> bool:
    """Whether ``word`` before a head noun names a kind of it (a noun, not an adjective)."""
    # software words count here ("support tickets", "line items", "log entries")
    return (
        (is_noun_candidate(word) or (word.isalpha() and word not in ENGLISH_STOPWORDS))
        and len(word) >= 3
        and not word.endswith(("ing", "ly"))
        and not word.endswith(_ADJECTIVE_ENDINGS)
        and word not in _NOT_MODIFIERS
        and word not in COMMAND_VERBS
        and word not in META_VERBS
        and word not in VERBS
        # a participle ("used", "shared"), though not "seed" or "feed"
        and not (word.endswith("ed") and not word.endswith("eed"))
        and not is_plural(word)
    )
