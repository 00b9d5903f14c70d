"""The sentence patterns entities are read from, and the word lists that qualify them."""

from __future__ import annotations

import re

from codeguild.intent.lexicon import MANAGEMENT_VERBS, word_set

W = r"[a-z][a-z0-9_-]*"
# words that end a noun phrase before a verb: "the members are real records: ..."
_LINK = r"(?:is|are|was|were|be|been|can|will|may|must|should|and|or|of|to|in|on|at|for|with)"
# adverbs between a record and its verb: "the appointment just stores", "each tub also has"
_ADVERB = r"(?:just|only|also|all|always|each|usually|both|often|then|now|still|simply|themselves)"
PAREN = re.compile(rf"({W}(?:\s+{W})?)\s*\(([^()]*)\)")
HAS = re.compile(
    # up to three words ("a guest room booking has"); "every purchase order record keeps its
    # history" speaks of the record kept about an order, not of its attributes
    rf"\b(?:each|every|an?|the|one|any)\s+({W}(?:\s+(?!{_ADVERB}\b|{_LINK}\b){W})?"
    rf"(?:\s+(?!{_ADVERB}\b|{_LINK}\b|records?\b|entry\b|entries\b){W})?)"
    # "every parcel locker in our network has ..."
    rf"(?:\s+(?:in|at|on|of)\s+(?:our|the|your|my|their|this)\s+{W})?"
    rf"(?:\s+{_ADVERB})?"
    r"\s+(?:has|have|should have|must have"
    r"|will have|needs|contains?|includes?|consists of|is described by|holds|stores|gets"
    r"|records|keeps|should (?:capture|record|store|include)|captures|carries|comes with"
    r"|is made up of|comprises|is identified by|is defined by"
    # passive with a list: "each dog is checked in with a name", "items are stored with a sku"
    r"|is (?:stored|kept|recorded|saved|registered|listed|logged|checked in|entered) with)"
    # read ahead, so a second "each X has" in the same sentence is found too
    # "has asked", "has moved": an auxiliary before a participle, not a list of attributes;
    # "an order has: customer name, ...": a colon may open the list
    r"(?:\s*:\s*|\s+(?!to\b|been\b|access\b|[a-z]+ed\b|left\b|no\b))(?=(.+))"
)
PLURAL_HAS = re.compile(
    rf"^(?:the\s+)?({W}(?:\s+(?!{_ADVERB}\b){W})?)\s+(?:{_ADVERB}\s+)?"
    r"(?:have|contain|include|consist of|store|hold|carry"
    r"|capture|come with|are made up of|comprise|are (?:identified|described|defined) by"
    r"|(?:should|must|will) (?:have|include|record|capture|store)"
    r"|are (?:stored|kept|recorded|saved|registered|listed|logged|checked in|entered) with"
    # what a record notes down: "trips record unlocked at, locked at and the fare"
    r"|record|track|log|list)\s+"
    r"(?!to\b|been\b|in\b|out\b|into\b|on\b)(.+)"
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
ITEM = (
    rf"(?!(?:and|or|a|an|the|on|in|at|to|from|with|by|for|into|over|through|via)\b)"
    rf"{W}(?:\s+{NOT_IN_ITEM}{W}){{0,2}}"
)
NOUN_LIST = rf"{ITEM}(?:{SEP}(?:the\s+|their\s+)?{ITEM})*"
MANAGE = re.compile(
    rf"\b(?:{MANAGEMENT_VERBS})\b\s+(?:(?:their|your|my|the|our|all|new|existing|multiple|many|own"
    rf"|different|user|personal)\s+){{0,2}}({NOUN_LIST})"
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
    rf"\b({W}(?:\s+{W})?)\s+(?:belongs? to|(?:is|are) (?:linked|assigned) to|(?:is|are) part of"
    r"|references?|refers to"
    # "a ticket is raised by a customer", "posts are written by members"; not "orders are
    # placed by phone"
    r"|(?:is|are) (?:owned|written|assigned|created|placed|authored|made|raised|submitted"
    r"|opened|filed|booked|requested) by(?=\s+(?:an?|the|one)\s|\s+[a-z]+s\b)"
    # one parent stated by number: "each visit is for one piano", "a tub is of one flavour",
    # "a licence is bought for one typeface"
    r"|(?:is|are) (?:[a-z]+(?:ed|ght|en|de|wn|id|ld) |always |only )?(?:for|from|with|of|at|in"
    r"|on|to)"
    r"(?=\s+(?:exactly one|one|a single|only one)\s))"
    rf"\s+(?:an?|one|the|exactly one|a single|only one|its|their)?\s*({W}(?:\s+(?!{STOP}\b){W})?)"
)
MORE_PARENTS = re.compile(
    r"(?:,\s*|\s+)(?:and\s+)?(?:belongs? to|references?|refers to|is linked to|is for)\s+"
    rf"(?:an?|one|the|exactly one|a single)?\s*({W})"
    rf"|^\s*(?:,\s*|\s+)and\s+(?:to\s+)?(?:an?|one|the|its|their)\s+({W})\b"
    r"(?!\s+(?:has|have|is|are))"
)
# "..., and belongs to a customer" at the end of a sentence that gave the fields
BELONGS_TAIL = re.compile(
    rf"\b(?:belongs?|belonging) to\s+(?:an?|the|one|exactly one|a single)?\s*"
    rf"({W}(?:\s+(?!{STOP}\b){W})?)"
)
REST_FIELDS = re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:with|has|have|having|stores?)\s+(.+)$")
ACTION_ITEM = re.compile(
    r"^(?:show|list|add|create|update|delete|remove|export|import|print|send|compute|calculate"
    r"|generate|display|allow|support|let|track|manage|view|edit|search|record|store|keep|save)"
    # "display name", "track title", "list price": a noun that heads an attribute
    r"\s+(?!(?:name|title|date|time|number|count|price|order|url|code|status|label|size|value"
    r"|term|query|id)\b)\w+"
)
# "log each repair attempt with item, fault and volunteer"
EACH_WITH = re.compile(
    r"\b(?:log|logs|record|records|store|stores|keep|keeps|track|tracks|save|saves|register"
    rf"|registers|add|adds)\s+(?:each|every)\s+({W}(?:\s+{W})?)"
    # "log each game session to a local file with the room name, ..."
    r"(?:\s+(?:to|in|into|on)\s+[^,]{0,40}?)?\s+(?:with|having)\s+(.+)"
)
MANY = re.compile(
    # a verb or "with" between the two: "playlists contain many songs"; not "turn a list of
    # legs" (a verb and its object) nor "datetimes into a list of" (a preposition)
    rf"\b({W})\s+(?:can\s+|may\s+|will\s+)?"
    r"(?!(?:into|from|of|to|between|in|on|at|by|across|over|through|per|and|or)\b)"
    rf"(?:{W}\s+)(?:many|multiple|several|one or more"
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
ANNOTATION = re.compile(
    r"^\s*(?:eg|ie|optional|like|such as|see|for example|in|as|at|on|and|or)\b"
    # a declared type: "servings (integer)"
    r"|^\s*(?:int|integer|float|decimal|str|string|text|bool|boolean|date|datetime|timestamp"
    r"|number|money|url|email|yes/no|true/false|free text|whole number)\s*$"
)
ACTOR_NEXT = re.compile(r"\s+to\s+(?!manage\b|track\b|store\b|keep\b)[a-z]+")
TRAILING_WITH = re.compile(r",\s*(?:with|plus|including)\b")
ENUMERATION = re.compile(r":\s*([^:]+)$")
FIELD_LIST = re.compile(r"\([^()]*,[^()]*\)")
# a colon, then parts with field lists of their own: what came before was a heading
# ... or a record described with "with": "api for pickups: pickup requests with an address"
HEADING_NEXT = re.compile(
    # not a note on one value: "priority (1-4, integer)", "placement (arm, back, ...)"
    r"\s*:[^.:\n]*\((?![^()]*(?:\d|\.\.\.|\b(?:etc|e\.?g|int|integer|float|decimal|bool|date"
    r"|string|text|yes/no|true/false)\b))[^()]*,[^()]*\)"
    r"|\s*:\s*(?:[a-z-]+\s+)?[a-z-]+s\s+(?:with|having)\b"
)
CLAUSE_START = re.compile(
    r":|\b(?:where|in which|wherein|whose)\s"
    # a coordinated clause with a subject of its own: "..., and livery clients have a name"
    r"|,\s+(?:and|but|while)(?=\s+[a-z]+s?(?:\s+[a-z]+s)?\s+(?:have|contain|include|store)\s)"
)
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
# what a person looks at, which shows records and keeps none: "a dashboard with totals"
SCREEN_WORDS = word_set(
    """dashboard dashboards screen screens view views page chart charts grid widget panel
    summary overview map report leaderboard"""
)
