"""Word lists the rule-based intent processor reads: software cues, domains, verbs, nouns."""

from __future__ import annotations

import re


def word_set(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of ``text`` (keeps word lists compact)."""
    return frozenset(text.split())


# A requirement names something to build or a thing software does; these stems are that signal.
SOFTWARE_CUE = re.compile(
    r"\b(?:build|built|creat|make|making|writ|wrote|develop|implement|design|generat|code|coding"
    r"|program|script|software|app|apps|application|api|apis|rest|http|endpoint|service|server"
    r"|backend|back-end|frontend|website|web|cli|command|terminal|console|tool|utility|utilities"
    r"|library|libraries|package|module|sdk|function|class|method|parse|parsing|parser|convert"
    r"|converter|validat|calculat|comput|manag|track|crud|database|db|store|storing|automat|bot"
    r"|python|json|csv|yaml|xml|markdown|sql|import|export|format|generator|system|dashboard"
    r"|microservice|webhook|queue|scraper|scrape|crawl|count|hash|encrypt|decrypt|encode|decode"
    r"|pipeline|etl|elt|ingest|sync|batch|stream|workflow|site|game|portal|platform|sdk|cron|job"
    r"|backup|migrat|replicat|page|online|browser|checkout|table|entit|schema|field|hook"
    r"|executable|git|map|interface|dedup)"
    # moving data between places is a pipeline's whole job; these verbs only count with a
    # source or destination after them ("push the sign-ups into Airtable", not "push harder")
    r"|\b(?:pull|push|feed|load|cop(?:y|ie)|mirror|transfer|upload|download)"
    r"(?:s|es|ed|d|ing)?\b[^.?!;\n]{0,80}?\b(?:into|to|from|onto|between)\b",
    re.IGNORECASE,
)

# tag -> pattern. Tags name problem domains the engine has recipes for (or may grow them);
# patterns are anchored on word starts so "csv" does not fire inside other words.
DOMAIN_PATTERNS: dict[str, str] = {
    "isbn": r"\bisbn",
    "csv": r"\bcsv\b|comma[- ]separated",
    "json": r"\bjson\b",
    "yaml": r"\bya?ml\b",
    "xml": r"\bxml\b",
    "toml": r"\btoml\b",
    "markdown": r"\bmarkdown\b|\bmd files?\b",
    "html": r"\bhtml\b",
    "temperature": r"\btemperatures?\b|\bcelsius\b|\bfahrenheit\b|\bkelvin\b",
    "units": r"\bunits? (?:of measure|conver)|\bunit converter|\bmetric\b|\bimperial\b"
    r"|\b(?:kilo)?met(?:er|re)s? to\b|\bmiles? to\b|\bpounds? to\b|\bconvert(?:s|ing)? units",
    "currency": r"\bcurrenc|\bexchange rates?\b",
    "roman_numerals": r"\broman\b",
    "email_validation": r"(?:validat|verif|check)\w*\s+(?:\w+\s+){0,2}e-?mail|e-?mail"
    r"(?: address(?:es)?)? (?:validat|verif|check)",
    "url": r"\burls?\b(?! field)|\burl (?:validat|pars|shorten)",
    "url_shortener": r"\b(?:url|link) shorten|\bshort(?:en)? (?:urls?|links?)\b",
    "slug": r"\bslug",
    "password": r"\bpassword (?:strength|generat|validat|check|polic|scor)|\bstrong passwords?"
    r"|\bgenerat\w* (?:\w+ )?passwords?|\bpassword manager",
    "hashing": r"\bhash(?:es|ing)?\b|\bsha-?(?:1|256|512)\b|\bmd5\b",
    "checksum": r"\bchecksums?\b|\bcheck digits?\b",
    "luhn": r"\bluhn\b|\bcredit card numbers?\b",
    "iban": r"\biban",
    "date_parsing": r"\b(?:pars\w+|normali[sz]\w+|format\w*) (?:\w+ )?dates?\b"
    r"|\bdate (?:pars|format)",
    "statistics": r"\bstatistic|\bmean\b|\bmedian\b|\bstandard deviation|\bvariance\b"
    r"|\bpercentiles?\b|\bstdev\b",
    "text_stats": r"\btext stat|\b(?:count|counts|counting) (?:the )?(?:lines|words|characters)"
    r"|\bword frequenc|\bcharacters? count",
    "word_count": r"\bword[- ]?counts?\b|\bcount(?:s|ing)? (?:the )?(?:number of )?words\b",
    "matrix": r"\bmatri(?:x|ces)\b",
    "todo": r"\bto-?dos?\b|\bto do list|\btask list",
    "inventory": r"\binventor(?:y|ies)\b|\bstock (?:levels?|quantit)",
    "expenses": r"\bexpenses?\b|\bbudget(?:s|ing)? (?:app|tracker|planner|tool)",
    "bookstore": r"\bbook ?stores?\b|\bbookshop",
    "library_system": r"\blibrary (?:management|system|catalog|members|loans)|\blibrary's books"
    r"|\bborrow(?:ing|ed)? books",
    "blog": r"\bblog",
    "recipes": r"\brecipes?\b",
    "fitness": r"\bgym\b|\bworkouts?\b|\bexercises?\b|\bfitness\b",
    "notes": r"\bnote[- ]taking|\bnotes app",
    "bmi": r"\bbmi\b|\bbody mass index",
    "fibonacci": r"\bfibonacci",
    "primes": r"\bprimes?\b|\bprime numbers?",
    "palindrome": r"\bpalindrom",
    "caesar_cipher": r"\bcaesar|\bcipher",
    "base64": r"\bbase-?64\b",
    "uuid": r"\buuids?\b",
    "qr_code": r"\bqr codes?\b",
    "regex": r"\bregex|\bregular expressions?",
    "log_parsing": r"\blog (?:files?|lines?|entries) |\bparse (?:\w+ )?logs?\b|\baccess logs?",
    "file_search": r"\bfind (?:duplicate )?files|\bduplicate files",
    "calculator": r"\bcalculator\b|\barithmetic",
    "time_zones": r"\btime ?zones?\b",
    "phone_numbers": r"\b(?:validat|pars|format|normali[sz])\w* (?:\w+ )?phone numbers?",
    "color": r"\bcolou?rs? (?:conver|code)|\bhex colou?r|\brgb\b",
}
DOMAIN_REGEXES: dict[str, re.Pattern[str]] = {
    tag: re.compile(pattern, re.IGNORECASE) for tag, pattern in DOMAIN_PATTERNS.items()
}

# Words that describe the software or its plumbing, never a thing the software manages.
NON_ENTITY_NOUNS = word_set(
    """api apis tool tools library libraries json csv xml yaml toml html markdown endpoint
    endpoints data file files option options function functions command commands method methods
    module modules package packages script scripts app apps application applications service
    services server servers database databases table tables field fields column columns row rows
    request requests response responses error errors input inputs output outputs result results
    number numbers value values string strings thing things stuff detail details information
    info feature features operation operations route routes test tests doc docs documentation
    read reads write writes change changes everything everyone anyone someone crud rest http
    https format formats type types way ways time times log logs cli terminal console line lines
    word words character characters char chars byte bytes text texts email emails url urls
    password passwords date dates temperature temperatures unit units code codes token
    tokens jwt auth login logins system systems backend frontend web website page pages python
    sdk class classes argument arguments flag flags parameter parameters setting settings config
    configuration them it they their his her its you your my our we us me people other others
    way user-friendly validation parsing conversion converting validating parsing support
    interface ui python3 isbn isbns numeral numerals sql sqlite postgres postgresql mysql redis
    mongodb docker fastapi flask django kubernetes pagination authentication authorization
    performance security second seconds minute minutes hour hours ms millisecond milliseconds
    percent decorator decorators wrapper wrappers helper helpers view views handler handlers
    dataclass dataclasses namedtuple namedtuples typeddict struct structs enum enums pdf pdfs
    timestamp timestamps datetime datetimes"""
)

# Software words that also name things people keep records of ("classes" of a gym, "fields" of
# a farm, "columns" of a kanban board): records when the text gives them attributes.
DOMAIN_CAPABLE = word_set(
    """class field column table page event card document message unit session ticket tag
    board note task application request result route tool"""
)

# Nouns that, as the last word of a compound, need the word before them to mean anything
# ("todo items" is a TodoItem, not an Item).
GENERIC_HEADS = word_set("""item items entry entries record records list lists""")

# Verbs a CLI command or a library function is usually named after.
COMMAND_VERBS = word_set(
    """add list show view get create update edit delete remove complete finish done search find
    filter sort export import convert count validate parse format hash verify check generate
    encode decode encrypt decrypt compress decompress extract merge split summarize summarise
    report calculate compute normalize normalise clean slugify score rate tag archive restore
    backup sync download upload fetch send render lint scan watch rename move copy compare diff
    analyze analyse measure estimate translate transform resolve lookup register mark toggle
    reset clear init undo redo reverse shuffle sample roll sign multiply divide subtract
    transpose invert rotate resize crop round sum average tokenize stem dedupe deduplicate
    minify prettify beautify rename tail grep ping monitor schedule remind"""
)

# Verbs that describe writing the software itself, never a command of it.
META_VERBS = word_set("""build make write develop implement design need want use provide""")

# Verbs after which a plural noun is a thing the software keeps records of.
MANAGEMENT_VERBS = (
    r"manag(?:e|es|ing)|track(?:s|ing)?|stor(?:e|es|ing)|record(?:s|ing)?|keep track of"
    r"|organi[sz](?:e|es|ing)|catalog(?:ue)?(?:s|ing)?|log(?:s|ging)?(?! ?in\b)|crud (?:for|of|on)"
    r"|maintain(?:s|ing)?|administer(?:s|ing)?|handl(?:e|es|ing)|schedul(?:e|es|ing)"
    r"|add(?:s|ing)?|creat(?:e|es|ing)|list(?:s|ing)?|edit(?:s|ing)?|updat(?:e|es|ing)"
    r"|delet(?:e|es|ing)|remov(?:e|es|ing)|search(?:es|ing)?|brows(?:e|es|ing)|archiv(?:e|es|ing)|book(?:s|ing)?"
)

# Agent nouns used to name a project after what it does ("expense tracker").
AGENT_NOUNS = {
    "track": "tracker",
    "manage": "manager",
    "convert": "converter",
    "validate": "validator",
    "parse": "parser",
    "generate": "generator",
    "calculate": "calculator",
    "count": "counter",
    "check": "checker",
    "format": "formatter",
    "scan": "scanner",
    "analyze": "analyzer",
    "search": "search",
}


def find_domains(text: str) -> list[str]:
    """Domain tags whose pattern occurs in ``text``, in lexicon order."""
    # identifiers like parse_isbn name a domain too
    text = text.replace("_", " ")
    return [tag for tag, regex in DOMAIN_REGEXES.items() if regex.search(text)]
