"""The sentence patterns entities are read from, and the word lists that qualify them."""

from __future__ import annotations

import re

from codeguild.intent.lexicon import MANAGEMENT_VERBS, word_set

W = r"[a-z][a-z0-9_-]*"
PAREN = re.compile(rf"({W}(?:\s+{W})?)\s*\(([^()]*)\)")
HAS = re.compile(
    rf"\b(?:each|every|an?|the|one|any)\s+({W}(?:\s+{W})?)\s+(?:has|have|should have|must have"
    r"|will have|needs|contains?|includes?|consists of|is described by|holds|stores|gets"
    r"|records|keeps)"
    r"\s+(?!to\b|been\b|access\b)(.+)"
)
PLURAL_HAS = re.compile(
    rf"^(?:the\s+)?({W}(?:\s+{W})?)\s+(?:have|contain|include|consist of|store|hold)\s+"
    r"(?!to\b|been\b)(.+)"
)
WITH = re.compile(
    rf"\b({W})\s+(?:with|having|containing|that (?:have|has|contain|store)s?"
    r"|which (?:have|has|contain)|including|consisting of|storing)\s+"
    # the rest is read ahead, so "a clinic that stores appointments with a doctor" also
    # matches at "appointments with"
    r"(?:(?:the\s+)?(?:fields?|attributes?|properties|columns)\s*:?\s*)?(?=(.+))"
)
COLON = re.compile(rf"\b({W}(?:\s+{W})?)\s*:(?!\s*(?:each|every)\b)\s*([^:]+)$")
SEP = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)"
NOT_IN_ITEM = (
    r"(?!(?:and|or|with|for|in|to|from|by|belongs|has|have|is|are|needs|contains|includes"
    r"|references|gets|that|which|who|where|when|so|can|will|should|must)\b)"
)
# up to three words: "github push events" is a PushEvent
ITEM = rf"(?!(?:and|or|a|an|the)\b){W}(?:\s+{NOT_IN_ITEM}{W}){{0,2}}"
NOUN_LIST = rf"{ITEM}(?:{SEP}(?:the\s+|their\s+)?{ITEM})*"
MANAGE = re.compile(
    rf"\b(?:{MANAGEMENT_VERBS})\b\s+(?:(?:their|your|my|the|our|all|new|existing|multiple|many"
    rf"|different|user|personal)\s+)?({NOUN_LIST})"
)
ABOUT = re.compile(
    r"\b(?:api|service|backend|app|application|system|endpoints?|database|tracker|manager)\s+"
    rf"(?:for|of|about|to manage|to track|that manages|that tracks|managing|tracking)\s+"
    rf"(?:(?:the|their|your|my|our|all)\s+)?({NOUN_LIST})"
)
DECLARED = re.compile(
    r"\b(?:entities|models|resources|tables|collections|objects|record types)\s*(?::|called|named"
    rf"|like|such as)?\s*((?:{W}\s*(?:\([^()]*\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*[.;]|$))+)"
)
# words that end a noun phrase
STOP = (
    r"(?:and|or|with|for|in|to|from|by|on|at|of|has|have|is|are|was|were|which|that|who|when"
    r"|where|if|but|so|can|must|should|will|may|each|every|also|via|using|as)"
)
BELONGS = re.compile(
    rf"\b({W}(?:\s+{W})?)\s+(?:belongs? to|(?:is|are) (?:owned|written|assigned|created|placed"
    r"|authored|made) by|(?:is|are) (?:linked|assigned) to|(?:is|are) part of|references?"
    r"|refers to)"
    rf"\s+(?:an?|one|the|exactly one|a single|its|their)?\s*({W}(?:\s+(?!{STOP}\b){W})?)"
)
MORE_PARENTS = re.compile(
    r"(?:,\s*|\s+)(?:and\s+)?(?:belongs? to|references?|refers to|is linked to|is for)\s+"
    rf"(?:an?|one|the|exactly one|a single)?\s*({W})"
    rf"|^\s*(?:,\s*|\s+)and\s+(?:an?|one|the|its|their)\s+({W})\b(?!\s+(?:has|have|is|are))"
)
# "..., and belongs to a customer" at the end of a sentence that gave the fields
BELONGS_TAIL = re.compile(
    rf"\b(?:belongs?|belonging) to\s+(?:an?|the|one|exactly one|a single)?\s*({W})"
)
REST_FIELDS = re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:with|has|have|having|stores?)\s+(.+)$")
ACTION_ITEM = re.compile(
    r"^(?:show|list|add|create|update|delete|remove|export|import|print|send|compute|calculate"
    r"|generate|display|allow|support|let|track|manage|view|edit|search|record|store|keep|save)"
    r"\s+\w+"
)
MANY = re.compile(
    rf"\b({W})\s+(?:can\s+|may\s+|will\s+)?(?:{W}\s+)?(?:many|multiple|several|one or more"
    rf"|zero or more|a list of|lots of|any number of)\s+({W}(?:\s+{W})?)"
)
TO_MANY_ITEM = re.compile(
    r"^(?:many|multiple|several|one or more|zero or more|a list of|lots of|any number of|a set of)"
    rf"\s+({W}(?:\s+{W})?)$"
)
CLAUSE_END = re.compile(
    r"\s+(?:which|that|where|so that|so|but|while|when|because|if)\s|\s+and\s+(?:can|should|must"
    r"|is|are|users?|it|they|we|the (?:api|app|tool|cli|service))\b"
    r"|,?\s+(?:and\s+)?(?:each|every)\s|[:;]"
)
ANNOTATION = re.compile(r"^\s*(?:eg|ie|optional|like|such as|see|for example|in|as|at|on|and|or)\b")
ACTOR_NEXT = re.compile(r"\s+to\s+(?!manage\b|track\b|store\b|keep\b)[a-z]+")
TRAILING_WITH = re.compile(r",\s*(?:with|plus|including)\b")
ENUMERATION = re.compile(r":\s*([^:]+)$")
FIELD_LIST = re.compile(r"\([^()]*,[^()]*\)")
# a colon, then parts with field lists of their own: what came before was a heading
HEADING_NEXT = re.compile(r"\s*:[^.:\n]*\([^()]*,[^()]*\)")
CLAUSE_START = re.compile(r":|\b(?:where|in which|wherein|whose)\s")
AUTH_SUBJECTS = {"user", "account", "login"}
# management verbs that are also nouns, and the words after which they are verbs
NOUN_VERBS = word_set("list lists record records log logs book books store stores")
VERB_CONTEXT = word_set(
    """to can will should must may might could would and or also then users user i we you they
    it please that which who easily quickly app tool api service cli script can't cannot"""
)
# headings of a requirements document ("Steps: extract, clean, load"), never record types
SECTION_WORDS = word_set(
    """sources steps requirements notes goals rules features background purpose scope behaviour
    behavior quality stack constraints deliverables tasks outputs inputs examples commands
    options entities models tables resources"""
)
# third-person verbs that read like plural nouns before "with"
VERB_HEADS = frozenset({"works", "comes", "deals", "integrates", "plays", "helps", "starts"})
# what a heading names when the list after its colon is what the software keeps
SOFTWARE_HEADS = word_set(
    """app api backend service system platform tool site website database part server portal
    tracker manager application"""
)
