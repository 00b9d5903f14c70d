"""Type cues read from how the software will be used, not from what the text calls it.

A requirement often never names its kind. It says who or what uses the thing and how: a person
runs it with a folder as the argument (a command line tool), other code imports it or calls it
from a notebook (a library), devices and other programs send to it or fetch from it over the
network (a web API), people see and click things on screens (a web app), data is moved from one
store into another on a schedule (a data pipeline). Each cue is built from a small word class
(who uses it, the verb of using, where the data goes) so that new wordings of the same situation
match without a rule per phrase.
"""

from __future__ import annotations

from codeguild.intent.models import ProjectCategory

_WEB, _CLI, _LIB = ProjectCategory.WEB_API, ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY
_APP, _ETL = ProjectCategory.WEB_APP, ProjectCategory.DATA_PIPELINE

_MODAL = r"(?:(?:can|could|will|would|should|must|may|need to|needs to|have to|are able to) )?"
_DET = r"(?:the |our |my |their |your |a |an |its |some |any |other |each |every )?"

# Programs and devices that reach software over a network; they never import it.
_DEVICES = (
    r"(?:apps?|clients|devices?|scanners?|kiosks?|machines|terminals|sensors?|thermostats?"
    r"|robots?|bots?|phones?|tablets?|frontends?|front-ends?|storefronts?|pos|tills|readers"
    r"|gateways?|printers?|cameras?|trackers?|vehicles?|drones?|systems|widgets?|watches"
    r"|wearables?|units|consoles|integrations|chatbots?"
    # "clients" alone are as often customers as programs
    r"|(?:api|http|mobile|desktop|game|ios|android|web|native) clients)"
)
# Verbs of exchanging data with something across a network.
_NETWORK_VERBS = (
    r"(?:send|sends|sending|post|posts|posting|upload\w*|report|reports|reporting|push|pushes"
    r"|submit\w*|fetch\w*|pull|pulls|pulling|look up|looks up|query|queries|poll|polls|sync"
    r"|syncs|connect|connects|register|registers|call|calls|hit|hits|ping|pings|talk to"
    r"|talks to|check in with|log to|stream to|subscribe to)"
)
# Code that uses a library by importing it, in-process.
_CODE = (
    r"(?:code|codebases?|code bases?|scripts|programs|projects|notebooks?|modules|packages"
    r"|libraries|functions|pipelines|jobs|tests|test suites?|plugins|applications|apps"
    r"|services|tools|backends?)"
)
# Verbs of using code in-process.
_IN_PROCESS = r"(?:import|imports|use|uses|call|calls|embed|embeds|reuse|reuses|include|vendor)"
# Places data lives; moving rows between them is what a pipeline does.
_STORES = (
    r"(?:tables?|databases?|dbs?|warehouse|data ?lake|lake|lakehouse|search index|index|indices"
    r"|buckets?|cold storage|storage|archive|s3|gcs|postgres\w*|mysql|bigquery|snowflake"
    r"|redshift|elasticsearch|opensearch|mongo\w*|influxdb|clickhouse|cassandra|dynamodb"
    r"|timescale\w*|sheets?|spreadsheets?|audiences?|marts?|data ?marts?|topics?|queues?"
    r"|crm|hubspot|salesforce|mailchimp|datasets?|parquet files?|feature store)"
)
# Verbs that move data somewhere else; the weak ones also describe a program saving its own data.
_MOVE_STRONG = (
    r"(?:cop(?:y|ies|ying)|mov(?:e|es|ing)|load\w*|feed\w*|sync\w*|replicat\w*|mirror\w*"
    r"|dump\w*|land\w*|ship\w*|transfer\w*|backfill\w*|migrat\w*|upsert\w*|ingest\w*|funnel\w*"
    r"|push\w*|stream\w*|bring\w*|sends?)"
)
_MOVE_WEAK = (
    r"(?:writ\w*|wrote|sav(?:e|es|ing)|stor(?:e|es|ing)|put|puts|putting|insert\w*|append\w*"
    r"|export\w*|import\w*|gather\w*|collect\w*|pull\w*|archiv\w*|publish\w*|produc\w*)"
)
_INTO_STORE = rf"\b(?:into|to|onto|in|out of) {_DET}(?:[\w'.-]+ ){{0,3}}?{_STORES}\b"
# How often something runs with nobody there: a job's schedule.
_SCHEDULE = (
    r"\b(?:monthly|overnight|quarterly|nightly|hourly|daily|weekly|every weekday"
    r"|once an? (?:day|night|week|month|hour|quarter|year)"
    r"|(?:every|each) (?:\d+ )?(?:day|night|morning|evening|hour|minutes?|week|month|quarter"
    r"|weekend)s?)\b"
    # "an hourly fee", "the daily rate": a price per period, not how often something runs
    r"(?! (?:fees?|rates?|prices?|costs?|wages?|pay|salar(?:y|ies)|budgets?|limits?|quotas?"
    r"|allowances?|subscriptions?|plans?|pass(?:es)?|tickets?|fares?|rent|caps?|charges?))"
)

# The head of the opening noun phrase names the thing: "Client portal for our agency.",
# "Kindergarten pickup board. Teachers log in ...", "A lost-and-found page for our station."
_OPENING = (
    r"^\W*(?:(?:an?|the|our|my|a small|a simple|simple|small|new|internal) )?"
    r"(?:(?!(?:that|which|who|where|to|for|with|of|in|on|from|by|is|are|should|must|will|can"
    r"|need|needs|want|wants|i|we)\b)[\w'-]+ ){0,4}?"
)
# a run of spaces is a span the cue text blanked: the phrase ended there
_OPENING_END = r"\b(?=\s{2,}| *(?:for|where|that|which|to|with|\.|:|,|;|\(|-|$))"
_OPENING_KINDS: tuple[tuple[str, ProjectCategory], ...] = (
    (r"(?:pages?|site|website|portal|dashboard|board|web ?app|frontend|front end|ui)", _APP),
    (r"(?:api|service|backend|back end|server|microservice|endpoints)", _WEB),
    (r"(?:cli|script|command|utility|command line tool|terminal tool)", _CLI),
    # not "library": a titled "Seed Library" is as often the institution as the software
    (r"(?:package|module|sdk|lib|helpers|wrapper|client library)", _LIB),
    (r"(?:pipeline|etl|elt|job|sync|loader|importer|ingestion)", _ETL),
)

# (pattern, type, weight), read by the classifier with its own cue table.
USAGE_CUES: list[tuple[str, ProjectCategory, float]] = [
    # --- a person starts it, with arguments, on their own machine
    (
        r"\b(?:run|runs|invoke|invokes|launch|launches|call|start|execute)\w* "
        r"(?:it |this |them )?(?:with|passing|on|against|over) "
        r"(?:an? |the |some |any |one |two |a single )?(?:[\w-]+ ){0,2}?(?:as (?:an? )?)?"
        r"(?:arguments?|args?|file ?names?|paths?|folders?|director(?:y|ies)|files?|urls?)\b",
        _CLI,
        3,
    ),
    (
        r"\b(?:as|via|from|takes?|taking|given|accepts?) (?:an? |the |its |\w+ )?arguments?\b",
        _CLI,
        2,
    ),
    (
        r"\b(?:run|runs|running|use|using|launch\w*|start\w*)\b (?:it |this |them )?"
        r"(?:on|from) (?:my|our|their|your|the|a|any) (?:[\w-]+ ){0,2}?"
        r"(?:laptops?|machines?|computers?|desktops?|workstations?|pcs?|macs?|mac|raspberry pi)\b",
        _CLI,
        2.5,
    ),
    (
        r"\b(?:in|from|inside) (?:a |the |my |our )?(?:powershell|bash|zsh|fish shell|cmd"
        r"|cmd\.exe|windows terminal|iterm|tmux|command window)\b",
        _CLI,
        3,
    ),
    (
        r"\binteractive (?:prompt|shell|session|mode|console)\b|\brepl\b"
        r"|\bprompts? (?:me|the user|you) for\b",
        _CLI,
        3,
    ),
    (r"\brun (?:it |this )?(?:by hand|manually|on demand|ad hoc|whenever)\b", _CLI, 2),
    (r"\bprogress bars?\b|\bcoloured output\b|\bcolored output\b", _CLI, 1.5),
    (
        r"\b(?:prints?|outputs?|shows?|writes?|displays?) (?:[\w-]+ ){0,4}?(?:to|on) "
        r"(?:the |my )?(?:screen|standard output)\b",
        _CLI,
        2,
    ),
    # --- other code imports it
    (
        rf"\b(?:my|our|their|your|other|any|people's|developers'|others') (?:[\w-]+ ){{0,2}}?"
        rf"{_CODE} {_MODAL}(?:then |easily |directly )?{_IN_PROCESS}\b",
        _LIB,
        3,
    ),
    (
        r"\b(?:lets?|allows?|so(?: that)?) (?:my|our|their|your|other|any) (?:[\w-]+ ){0,2}?"
        r"(?:code|scripts|programs|notebooks?|projects|modules|applications)\b",
        _LIB,
        2.5,
    ),
    (
        r"\b(?:in|from|inside|within|into) (?:my|our|their|your|other|any) (?:own )?(?:[\w-]+ )?"
        r"(?:scripts|notebooks?|programs|code ?bases?|jupyter)\b",
        _LIB,
        2.5,
    ),
    (
        r"\b(?:developers|devs|engineers|programmers|data scientists|researchers|analysts)"
        rf" (?:\w+ )?{_MODAL}(?:import|pip install|install|call|embed|integrate|extend|subclass)\b",
        _LIB,
        2,
    ),
    (
        r"\b(?:an? |the |python |async |typed |small |thin |simple )(?:api |rest |http )?client "
        r"(?:library |lib |package |module )?for\b|\bapi clients?\b|\bbindings?\b",
        _LIB,
        2.5,
    ),
    (r"\b(?:plugin|plug-in|extension|add-on) for (?:pytest|\w+ (?:library|framework))\b", _LIB, 3),
    (r"\bplugins? for\b", _LIB, 1.5),
    # what a library hands back is objects in the caller's process
    (
        r"\b(?:become|becomes|as|into|returns?|returning|gives?|yields?|produces?|exposes?) "
        r"(?:plain |typed |native |immutable |frozen )?(?:python )?(?:objects|dataclasses"
        r"|named ?tuples|typed dicts|dicts|data ?frames)\b|\bpython objects\b",
        _LIB,
        2.5,
    ),
    (
        r"\b(?:readers?|writers?|parsers?|seriali[sz]ers?|deseriali[sz]ers?|encoders?|decoders?"
        r"|codecs?)\b",
        _LIB,
        1.5,
    ),
    (r"\bfor (?:[\w-]+ ){0,2}?software\b", _LIB, 1.5),
    (r"\bdata structures?\b|\balgorithms?\b|\bframework[- ]agnostic\b", _LIB, 1.5),
    # --- devices and other programs reach it over the network
    (
        rf"\b{_DEVICES} (?:[\w-]+ )?{_MODAL}(?:be able to )?{_NETWORK_VERBS}\b",
        _WEB,
        3,
    ),
    (
        rf"\b{_DEVICES} (?:[\w-]+ ){{0,2}}?(?:talk|talks|connect|connects|report|reports|send"
        r"|sends|upload|uploads|post|posts) (?:[\w'-]+ ){0,3}?(?:to|into|with)\b",
        _WEB,
        1,
    ),
    (
        r"\bsomewhere (?:[\w-]+ ){0,3}?(?:to|for) (?:send|post|upload|report|push|save|store"
        r"|sync|fetch)\w*\b|\b(?:to|from) (?:it|the server|a server|the backend|the cloud)\b",
        _WEB,
        2,
    ),
    (
        r"\bprogrammatic(?:ally)?\b|\bmachine[- ]readable\b|\bover the (?:network|internet)\b"
        r"|\bon the network\b|\bheadless\b",
        _WEB,
        3,
    ),
    (r"\b(?:serv\w*|returns?|responds? with|answers? with|as) json\b", _WEB, 2),
    (r"\bjson (?:\w+ ){0,3}?(?:fetch|pull|consume|request|query)\w*\b", _WEB, 2),
    (
        r"\b(?:service|backend|back-end|server|api|endpoint)s? (?:for (?:them|it|us) )?to "
        r"(?:call|talk to|hit|query|poll|send (?:\w+ )?to|post to|push to|sync with|connect to"
        r"|report to|upload to)\b",
        _WEB,
        3,
    ),
    (r"\bstatus codes?\b|\brequest bod(?:y|ies)\b|\bpaginat\w*\b", _WEB, 1.5),
    # --- people see and click things on screens
    (r"\bportals?\b|\bmembers'? area\b|\bcustomer area\b|\bself-service\b", _APP, 3),
    (r"\bscreens\b|\b(?:\w+ )screen (?:where|for|that|to|with)\b|\bonline\b", _APP, 2),
    (r"\bbuttons?\b|\bclick\w*\b|\btabs\b|\bmodals?\b|\bdropdowns?\b|\bsidebar\b", _APP, 1.5),
    (
        r"\b(?:users|people|customers|members|visitors|students|staff|employees|volunteers"
        r"|guests|parents|patients|teachers|managers|clients|everyone|they|i)"
        r" (?:\w+ )?(?:(?:log|sign) in (?:and |to )?|open (?:it|the \w+) and )?"
        rf"{_MODAL}(?:then |also )?(?:see|view|browse|fill (?:in|out)|look at|scroll"
        r"|sign up|pick|choose|tick|drag)\b",
        _APP,
        1.5,
    ),
    (r"\b(?:in|from|on) (?:their|my|our|a|the|any) (?:phone'?s? |mobile )?browsers?\b", _APP, 2),
    (r"\bweb ?pages?\b", _APP, 3),
    # how it looks on a small screen: something people look at
    (
        r"\b(?:look|looks|work|works|usable|readable) (?:fine |good |great |nice |ok |okay |well )?"
        r"on (?:a |their |my |our |the |any )?(?:phones?|mobiles?|tablets?|ipads?|small screens?"
        r"|mobile devices?)\b|\bmobile[- ]friendly\b",
        _APP,
        2.5,
    ),
    # --- data is moved from where it is to where it is needed
    (rf"\b{_MOVE_STRONG}\b[^.;:]{{0,60}}?{_INTO_STORE}", _ETL, 3),
    (rf"\b{_MOVE_WEAK}\b[^.;:]{{0,60}}?{_INTO_STORE}", _ETL, 1.5),
    (
        rf"\bfrom {_DET}(?:[\w'.-]+ ){{0,3}}?{_STORES}\b[^.;:]{{0,60}}?{_INTO_STORE}",
        _ETL,
        2,
    ),
    (
        r"\bkeep (?:\w+ ){0,4}?in sync\b|\bas (?:rows|records|data|they) (?:change|arrive|land)"
        r"|\b(?:new|changed|updated|deleted) (?:rows|records)\b|\bas they land\b",
        _ETL,
        3,
    ),
    (r"\bfrom (?:the |a |our )?(?:queue|topic|stream|firehose|event bus)\b", _ETL, 2),
    (_SCHEDULE, _ETL, 1.5),
    (
        r"\bfor (?:the |our )?(?:analysts?|analytics|bi|data|finance|reporting|forecasting"
        r"|data science)(?: team)?\b",
        _ETL,
        1.5,
    ),
    (
        r"\b(?:reconcil\w*|sessioni[sz]\w*|backfill\w*|snapshots?|mask(?:s|ing)? (?:\w+ )?"
        r"(?:data|pii|personal)|combin\w* (?:\w+ ){0,4}into one)\b",
        _ETL,
        1.5,
    ),
    *((_OPENING + kind + _OPENING_END, ptype, 2.0) for kind, ptype in _OPENING_KINDS),
]
