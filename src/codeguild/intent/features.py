"""Features with type, priority and acceptance criteria; authentication needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.intent.models import AuthSpec, Command, Entity, Feature, Priority, ProjectType
from codeguild.intent.textutil import sentences

_AUTH = re.compile(
    r"\b(?:log ?in|logs in|logged[- ]in|sign ?in|sign ?up|jwt|authenticat\w*|auth|tokens?|bearer"
    r"|oauth2?|register(?:ed)? users?|password[- ]protected)\b"
)
_READS_PROTECTED = re.compile(
    r"\b(?:all|every|any) (?:endpoints?|routes?|requests?|operations?)\b[^.;]*\b(?:require|need"
    r"|must|protected)|\beverything\b[^.;]*\b(?:requires?|needs?|protected)|\breads?\b[^.;]*"
    r"\b(?:require|need|must)\b[^.;]*\b(?:log|auth|token|sign)|\bonly (?:logged[- ]in|"
    r"authenticated|registered) users can (?:read|view|see|list|access)|\bprivate\b"
)
_READS_PUBLIC = re.compile(
    r"\b(?:anyone|everyone|anybody|public|anonymous(?: users)?|unauthenticated(?: users)?|guests?)"
    r"\b[^.;]*\b(?:read|view|see|list|browse|get|access)|\breads? (?:are|is) public"
    r"|\bpublic(?:ly)? (?:read|readable|visible)"
)
_PRIORITY_CUES: list[tuple[str, Priority]] = [
    (r"\bwon'?t\b|\bwill not\b|\blater\b|\bout of scope\b|\bfuture\b|\bnot (?:now|needed)\b", "p3"),
    (r"\bcould\b|\bnice to have\b|\boptional(?:ly)?\b|\bif possible\b|\bmay\b|\bbonus\b", "p2"),
    (r"\bshould\b|\bideally\b|\bpreferably\b|\bwould like\b", "p1"),
    (
        r"\bmust\b|\brequired?\b|\brequires\b|\bneeds?\b|\bhas to\b|\bhave to\b|\bessential\b"
        r"|\bcritical\b|\bmandatory\b",
        "p0",
    ),
]
# (feature name, type, pattern, acceptance criteria)
_TOPICS: list[tuple[str, str, str, list[str]]] = [
    (
        "pagination",
        "core",
        r"\bpaginat\w*|\bpages? of results|\blimit and offset",
        [
            "List endpoints accept limit and offset and return at most limit items",
            "An out-of-range limit returns 422",
        ],
    ),
    (
        "search",
        "core",
        r"\bsearch\w*|\bfilter\w*|\bquery by\b|\bfind by\b",
        [
            "Filtering by a field returns only matching items",
            "A filter that matches nothing returns an empty list",
        ],
    ),
    (
        "sorting",
        "core",
        r"\bsort\w*|\border(?:ed)? by\b",
        ["Results can be sorted by a field, ascending or descending"],
    ),
    (
        "input_validation",
        "quality",
        r"\bvalidat\w*|\binvalid\b",
        ["Invalid input is rejected with a clear message naming the field"],
    ),
    (
        "export",
        "data",
        r"\bexport\w*|\bdownload\w* (?:as|in) (?:csv|json)",
        ["Data can be exported and the export can be read back"],
    ),
    (
        "import",
        "data",
        r"\bimport(?:s|ing)? (?:from|data|csv|json|files?)\b|\bbulk (?:upload|import)",
        ["Valid data is imported; invalid rows are reported with their line number"],
    ),
    (
        "notifications",
        "integration",
        r"\bnotif\w*|\bsend\w* (?:an? )?e-?mails?|\breminders?\b|\bsms\b",
        ["A notification is sent when the triggering event happens"],
    ),
    (
        "audit_log",
        "security",
        r"\baudit\w*",
        ["Every change is recorded with who made it and when"],
    ),
    (
        "rate_limiting",
        "security",
        r"\brate[- ]limit\w*|\bthrottl\w*",
        ["Too many requests from one client return 429"],
    ),
    (
        "observability",
        "ops",
        r"\blogging\b|\bmonitor\w*|\bmetrics\b|\bhealth ?checks?\b|\bprometheus\b",
        ["A health endpoint or command reports status", "Operations are logged"],
    ),
    (
        "containerization",
        "ops",
        r"\bdocker\w*|\bcontainer\w*|\bkubernetes\b|\bk8s\b",
        ["The project builds into a container image and starts"],
    ),
    (
        "user_interface",
        "ui",
        r"\bui\b|\bdashboard\b|\bweb page\b|\bfrontend\b|\bfront-end\b|\bhtml page",
        ["The main data can be viewed in the interface"],
    ),
    ("backup", "data", r"\bbackups?\b|\brestore\b", ["Data can be backed up and restored"]),
    (
        "testing",
        "quality",
        r"\bunit tests?\b|\btest coverage\b|\bwell[- ]tested\b|\btests?\b",
        ["Tests cover the main paths and pass"],
    ),
]


@dataclass(frozen=True, slots=True)
class FeatureSet:
    features: list[Feature]
    auth: AuthSpec | None


def priority_of(sentence: str, default: Priority = "p1") -> Priority:
    """MoSCoW and modal cue words -> p0..p3; the weakest commitment wins when several appear."""
    for pattern, priority in _PRIORITY_CUES:
        if re.search(pattern, sentence):
            return priority
    return default


_MOSCOW_HEADING = re.compile(
    r"^[#*\-\s]*(must|should|could|won'?t|will not|nice to)(?: have)?(?: features?)?\s*:?\s*$"
)
_MOSCOW: dict[str, Priority] = {
    "must": "p0",
    "should": "p1",
    "could": "p2",
    "nice to": "p2",
    "won't": "p3",
    "wont": "p3",
    "will not": "p3",
}


def _cued(sentence: str, section: Priority | None) -> Priority:
    """A cue word in the sentence wins; otherwise the MoSCoW section it sits in; else p1."""
    for pattern, priority in _PRIORITY_CUES:
        if re.search(pattern, sentence):
            return priority
    return section or "p1"


def detect_auth(lower: str) -> AuthSpec | None:
    """An AuthSpec when the text asks for login, with reads protected only when it says so."""
    if not _AUTH.search(lower):
        return None
    if re.search(r"\b(?:no|without)\s+(?:login|auth\w*|sign[- ]?in)\b", lower):
        return None
    reads = bool(_READS_PROTECTED.search(lower)) and not _READS_PUBLIC.search(lower)
    return AuthSpec(protect_writes=True, protect_reads=reads)


def _entity_feature(entity: Entity, priority: Priority) -> Feature:
    one = re.sub(r"(?<!^)(?=[A-Z])", " ", entity.name).lower()
    route = "/" + entity.plural.replace("_", "-")
    return Feature(
        name=f"manage_{entity.plural}",
        type="core",
        priority=priority,
        description=f"Create, read, update and delete {entity.plural.replace('_', ' ')}.",
        acceptance_criteria=[
            f"POST {route} creates a {one} and returns 201 with its id",
            f"GET {route} lists {entity.plural.replace('_', ' ')} with pagination (limit, offset)",
            f"GET {route}/{{id}} returns the {one}, or 404 when it does not exist",
            f"PUT {route}/{{id}} updates the {one}; 404 when missing, 422 on invalid data",
            f"DELETE {route}/{{id}} deletes the {one} and returns 204; 404 when missing",
            f"POST {route} with missing or invalid fields returns 422",
        ],
    )


def _command_feature(cmd: Command, project_type: ProjectType) -> Feature:
    if project_type is ProjectType.CLI_TOOL:
        criteria = [
            f"`{cmd.name}` exits 0 and prints its result on valid input",
            f"`{cmd.name}` exits 1 with a clear message on invalid input or a missing file",
        ] + [f"`{cmd.name} --{opt}` is accepted and changes the output" for opt in cmd.options]
        name = f"command_{cmd.name.replace('-', '_')}"
    else:
        criteria = [
            f"`{cmd.name}()` returns the expected result for valid input",
            f"`{cmd.name}()` raises ValueError with a clear message for invalid input",
        ]
        name = f"function_{cmd.name}"
    return Feature(
        name=name,
        type="core",
        priority="p0",
        description=cmd.description,
        acceptance_criteria=criteria,
    )


def extract_features(
    text: str,
    project_type: ProjectType,
    entities: list[Entity],
    commands: list[Command],
) -> FeatureSet:
    lower = text.lower()
    auth = detect_auth(lower) if project_type is ProjectType.WEB_API else None
    features: list[Feature] = []
    if auth:
        reads = "all routes" if auth.protect_reads else "write routes (reads stay public)"
        features.append(
            Feature(
                name="user_authentication",
                type="security",
                priority="p0",
                description=f"Users register and log in for a JWT bearer token guarding {reads}.",
                acceptance_criteria=[
                    "POST /auth/register creates a user and returns 201; a duplicate returns 409",
                    "POST /auth/token with valid credentials returns a bearer access token",
                    "Wrong credentials return 401",
                    "Write requests without a valid token return 401",
                    "Read requests without a token return 401"
                    if auth.protect_reads
                    else "Read requests succeed without a token",
                ],
            )
        )
    if project_type is ProjectType.WEB_API:
        for entity in entities:
            mention = [s for s in sentences(lower) if entity.plural.split("_")[-1] in s]
            features.append(_entity_feature(entity, priority_of(" ".join(mention[:1]), "p0")))
    else:
        features.extend(_command_feature(cmd, project_type) for cmd in commands)
    section: Priority | None = None
    for sentence in sentences(lower):
        heading = _MOSCOW_HEADING.match(sentence)
        if heading:
            # a MoSCoW heading ("Should have:") sets the priority of the lines under it
            section = _MOSCOW[heading.group(1)]
            continue
        if ":" in sentence:
            section = None  # another heading ("Non-functional: ...") ends the section
        for name, ftype, pattern, criteria in _TOPICS:
            if re.search(pattern, sentence) and not any(f.name == name for f in features):
                if name == "containerization" and project_type is not ProjectType.WEB_API:
                    continue
                features.append(
                    Feature(
                        name=name,
                        type=ftype,
                        priority=_cued(sentence, section),
                        description=sentence[:1].upper() + sentence[1:200],
                        acceptance_criteria=list(criteria),
                    )
                )
    return FeatureSet(features=features, auth=auth)
