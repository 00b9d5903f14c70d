"""Named constraints: compliance and access (security), where it runs (deployment), and the
other stated limits (dependencies, network, platforms, licence, retention, sizes).

Each table row is (pattern, name, sentence). A deployment target only counts where it is not
turned down ("no Kubernetes please") and is not the thing a tool works on ("a Kubernetes
helper", "fails the build when the Dockerfile uses latest tags").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeguild.intent.models import ConstraintValue
from codeguild.intent.quantities import AMOUNT, SIZE_UNIT, fmt, number, size_unit, time_unit
from codeguild.intent.rejection import is_rejected

Found = tuple[ConstraintValue, str]

_ROLE_STOP = (
    r"one|two|three|a few|some|it|this|that|these|those|they|we|you|i|he|she|files?|data"
    r"|numbers?|digits?|letters?|text|the system|the app|the tool|the library|the api"
)
_NOT_A_ROLE = re.compile(
    r"\b(?:logged[- ]in|signed[- ]in|registered|authenticated|verified|signed[- ]up|paying"
    r"|subscribed)\b|^(?:users?|people|visitors|someone|anyone|everyone)$"
)
# "only the deputy head can edit", "Only committee members may delete"
_ONLY_ROLE = re.compile(
    rf"\bonly\s+(?!(?:{_ROLE_STOP})\b)((?:the\s+|our\s+)?(?:[a-z-]+\s+){{0,2}}?[a-z-]+)\s+"
    r"(?:can|may|are allowed to|is allowed to|should be able to|get to|are able to"
    r"|have access|has access|see|sees)\b"
    r"|\bthe only (?:one|ones|person|people|role|roles)\s+(?:who|that|allowed to|able to)\b"
)
_SECURITY: list[tuple[str, str, str]] = [
    (
        r"\boauth ?2?(?:\.0)?\b|\boidc\b|\bopenid(?: connect)?\b"
        r"|\b(?:sign|log)(?:s|ged)?[- ]?in (?:with|via|through|using) (?:their |your |a |an )?"
        r"(?:google|microsoft|github|apple|facebook|gitlab|azure ad|entra)\b",
        "oauth2",
        "OAuth2",
    ),
    # single sign-on is OIDC unless SAML is named
    (r"(?s)^(?!.*\bsaml\b).*?\b(?:sso|single sign[- ]on)\b", "oauth2", "OAuth2"),
    (r"\bsaml\b", "saml", "SAML single sign-on"),
    (r"\bgdpr\b|\bright to (?:be forgotten|erasure)\b", "gdpr", "GDPR compliance"),
    (r"\bhipaa\b", "hipaa", "HIPAA compliance"),
    (r"\bpci(?:[- ]?dss)?\b", "pci_dss", "PCI DSS compliance"),
    (r"\bsoc ?2\b", "soc2", "SOC 2 compliance"),
    (r"\biso ?27001\b", "iso27001", "ISO 27001 compliance"),
    (r"\bccpa\b", "ccpa", "CCPA compliance"),
    (r"\bferpa\b", "ferpa", "FERPA compliance"),
    (r"\bhttps\b|\btls\b|\bssl\b|\bencrypted in transit\b", "tls", "HTTPS/TLS only"),
    (r"\brate[- ]limit\w*|\bthrottl\w*", "rate_limiting", "rate limiting"),
    (
        r"\bencrypt\w*[^.;]{0,40}?\bat rest\b|\bat rest\b[^.;]{0,20}?\bencrypt"
        r"|\bencrypted (?:database|storage|disks?|volumes?|backups?|fields?|columns?|data)\b"
        r"|\b(?:stored|store|kept|keep|saved|save)\s+(?:\w+\s+)?encrypted\b"
        r"|\bencrypt\w* (?:the |all |any |our )?(?:database|stored data|personal data|pii"
        r"|backups|sensitive (?:data|fields?)|(?:\w+ )?columns?)\b",
        "encryption",
        "encryption at rest",
    ),
    (r"\bcors\b", "cors", "CORS policy"),
    (r"\b(?:2fa|mfa|two[- ]factor|multi[- ]factor)\b", "mfa", "multi-factor authentication"),
    (r"\bowasp\b", "owasp", "OWASP top 10"),
    (
        r"\bhash(?:ed|ing|es)? (?:the |user )?passwords?\b"
        r"|\bpasswords? (?:are |must be |should be )?hashed|\bbcrypt\b|\bargon2\b",
        "hashed_passwords",
        "hashed passwords",
    ),
    (
        r"\brole[- ]based\b|\brbac\b|\b(?:admins?|staff|managers?|editors?)[- ]only\b"
        r"|\bonly (?:for )?(?:the )?admins?\b|\bvisible to admins\b"
        r"|\b(?:visible|available|accessible|editable)\s+(?:only\s+to|to\s+(?:the\s+)?"
        r"(?:[a-z-]+\s+){0,2}?[a-z-]+\s+only)\b|\b(?:restricted|reserved)\s+to\s+(?:the\s+)?[a-z]"
        r"|\b(?:are|is|stay|remain) read[- ]only\b|\bcan only be \w+ by\b"
        r"|\b(?:user )?roles? and permissions\b|\bpermission levels\b|\baccess levels\b",
        "rbac",
        "role-based access control",
    ),
]
_DEPLOYMENT: list[tuple[str, str, str]] = [
    (r"\bdocker[- ]compose\b", "docker_compose", "docker compose"),
    (r"\bdocker(?![- ]compose)\w*|\bcontaineri[sz]\w*", "docker", "docker"),
    (r"\bkubernetes\b|\bk8s\b|\bhelm\b|\bopenshift\b", "kubernetes", "kubernetes"),
    (
        r"\baws\b|\bamazon web services\b|\becs\b"
        r"|\bec2\b|\beks\b|\bfargate\b|\belastic beanstalk\b",
        "aws",
        "aws",
    ),
    (r"\bgcp\b|\bgoogle cloud\b|\bcloud run\b|\bgke\b|\bapp engine\b", "gcp", "gcp"),
    (r"\bazure\b", "azure", "azure"),
    (r"\bheroku\b", "heroku", "heroku"),
    (r"\bvercel\b", "vercel", "vercel"),
    (r"\bnetlify\b", "netlify", "netlify"),
    (r"\bfly\.io\b", "fly_io", "fly.io"),
    (r"\bdigital ?ocean\b", "digitalocean", "digitalocean"),
    (r"\bhetzner\b", "hetzner", "hetzner"),
    (r"\blinode\b", "linode", "linode"),
    (r"\bpythonanywhere\b", "pythonanywhere", "pythonanywhere"),
    (r"\bcloudflare (?:workers|pages)\b", "cloudflare", "cloudflare"),
    (r"\bgithub pages\b", "github_pages", "github pages"),
    (r"\bvps\b|\bvirtual private server\b|\bdroplet\b", "vps", "a VPS"),
    (r"\bshared (?:web )?host(?:ing)?\b|\bcpanel\b", "shared_hosting", "shared hosting"),
    (r"\braspberry ?pis?\b", "raspberry_pi", "a Raspberry Pi"),
    (r"\bbare[- ]metal\b", "bare_metal", "bare metal"),
    (r"\bserverless\b", "serverless", "serverless"),
    (r"\bgithub actions\b|\bgitlab ci\b|\bci/cd\b|\bci pipeline\b", "ci_cd", "ci/cd pipeline"),
]
# After a container or cluster name: what a tool that works on it is ("Kubernetes helper").
_SUBJECT_MATTER = re.compile(
    r"^(?:[- ](?:helper|plugin|linter|lint|tool|cli|client|wrapper|extension|dashboard"
    r"|operator|manifests?|resources?|objects?|api|sdk|cleaner|scanner|audit\w*|inspector"
    r"|monitor\w*|explorer|visuali[sz]er)s?\b|\s+(?:uses|use|contains|has|have|tags?)\b)",
    re.IGNORECASE,
)
_OTHER: list[tuple[str, str, str]] = [
    (
        r"\b(?:no|without|zero) (?:external |third[- ]party |runtime |extra |additional )*"
        r"(?:dependencies|deps|packages|libraries)\b(?! (?:beyond|besides|except|other than))"
        r"|\bdependency[- ]free\b|\bstdlib only\b|\bstandard library only\b"
        r"|\bonly (?:the )?(?:python )?standard library\b",
        "stdlib_only",
        "standard library only",
    ),
    (
        r"\boffline\b|\bair[- ]?gapped\b|\b(?:no|without|never needs?|never requires?"
        r"|not need|not needing|not require|does not need|doesn'?t need|must not need)\s+"
        r"(?:any\s+|an?\s+|the\s+)?(?:internet|network|connectivity|online access|signal)\b"
        r"|\b(?:internet|network)(?: access| connection)? (?:is )?(?:not|never) (?:needed|required)"
        r"|\bnever leaves? the (?:machine|device|computer|laptop)\b|\blocal[- ]only\b"
        r"|\bruns? locally only\b",
        "offline",
        "works offline",
    ),
    (r"\bstateless\b", "stateless", "stateless"),
    (
        r"\bhorizontal(?:ly)?[- ]scal\w*|\bscales? (?:out )?horizontally\b|\bscale[- ]out\b",
        "horizontally_scalable",
        "horizontally scalable",
    ),
]
_OS = {
    "windows": r"\bwindows\b",
    "macos": r"\bmac ?os\b|\bos ?x\b|\bmacs?\b|\bmacbooks?\b",
    "linux": r"\blinux\b|\bubuntu\b|\bdebian\b",
}
_LICENSES = (
    r"(mit|apache(?:[- ]?2(?:\.0)?)?|bsd(?:[- ]?[23][- ]clause)?|[al]?gpl(?:[- ]?v?[23](?:\.0)?)?"
    r"|mpl(?:[- ]?2(?:\.0)?)?|isc|unlicense|cc0)"
)
_LICENSE = re.compile(
    rf"\b{_LICENSES}[- ]?licen[cs]\w*|\blicen[cs]\w*\s*(?:under\s+|as\s+)?(?:the\s+)?:?\s*"
    rf"{_LICENSES}\b|\b(?:under|released as|open[- ]sourced? as) (?:the )?{_LICENSES}\b"
)
_DATA = (
    r"records?|data|logs?|files?|exports?|readings|history|backups?|it|them|everything"
    r"|information|documents?|copies|emails|messages|events|rows|results|entries|transactions"
    r"|applications|submissions|recordings|images|photos|scans|reports|audit trails?|details"
)
_DELETED = r"(?:delete\w*|purge\w*|remove\w*|erase\w*|anonymi[sz]\w*|destroy\w*|wipe\w*|dropped)"
_RETENTION = re.compile(
    rf"\b(?:(?:kept|keep|keeps|retain|retained|retains|stored|store|archived|archive|preserved"
    rf"|preserve)\b[^.;]{{0,60}}?\bfor\s+(?:at least\s+|a minimum of\s+|up to\s+)?{AMOUNT}\s*"
    rf"|{_DELETED}\b[^.;]{{0,60}}?\bafter\s+{AMOUNT}\s*|{_DELETED}\s+{AMOUNT}\s*"
    r"(?=(?:years?|yrs?|months?|weeks?|days?)\s+(?:after|from|since)\b)"
    rf"|\bretention(?: period)?(?: of| is|:)?\s*{AMOUNT}\s*"
    r")(years?|yrs?|months?|weeks?|days?)\b"
)
_FILE_SIZE = re.compile(
    r"\b(?:files?|uploads?|attachments?|documents?|images?|videos?|archives?)\b[^.;\d]{0,30}?"
    r"(?:up to|upto|of up to|as (?:large|big) as|at most|no (?:larger|bigger) than|under"
    rf"|<=?|max(?:imum)?(?: of)?|limit(?:ed)? (?:of|to))\s*(\d+(?:\.\d+)?)\s*{SIZE_UNIT}"
    rf"|(\d+(?:\.\d+)?)\s*{SIZE_UNIT}[- ](?:files?|uploads?|attachments?)"
)


def _license_id(raw: str) -> str:
    """'Apache 2' -> 'apache-2.0', 'GPLv3' -> 'gpl-3.0', 'BSD 3-clause' -> 'bsd-3-clause'."""
    family = re.match(r"[a-z]+", raw)
    name = family.group(0) if family else raw
    digit = re.search(r"\d", raw)
    if name == "bsd":
        return f"bsd-{digit.group(0) if digit else '3'}-clause"
    if name in {"apache", "mpl"}:
        return f"{name}-2.0"
    if name in {"gpl", "lgpl", "agpl"} and digit:
        return f"{name}-{digit.group(0)}.0"
    return name


def _named(kind: str, name: str, text: str) -> Found:
    return ConstraintValue(kind=kind, name=name), text  # type: ignore[arg-type]


def _first(pattern: str, lower: str) -> re.Match[str] | None:
    return re.search(pattern, lower)


def security(lower: str) -> Iterator[Found]:
    for pattern, name, text in _SECURITY:
        if _first(pattern, lower):
            yield _named("security", name, text)
    for m in _ONLY_ROLE.finditer(lower):
        if not _NOT_A_ROLE.search(m.group(1) or ""):
            yield _named("security", "rbac", "role-based access control")
            break
    for m in _RETENTION.finditer(lower):
        # what is kept must be data: "members keep a book for 3 weeks" is a loan, not retention;
        # whatever is deleted was stored, so deletion needs no such check
        window = lower[max(0, m.start() - 40) : m.end()]
        if not re.match(_DELETED, m.group(0)) and not re.search(rf"\b(?:{_DATA})\b", window):
            continue
        amount = next(g for g in m.groups()[:-1] if g)
        value = f"{fmt(number(amount))}{time_unit(m.group(m.lastindex or 0))}"
        yield (
            ConstraintValue(kind="security", name="data_retention", op="=", value=value),
            f"keep data for {value}",
        )
        break


def _deploys(lower: str, m: re.Match[str], name: str) -> bool:
    if is_rejected(lower, m.start(), m.end()):
        return False
    return name not in {"docker", "kubernetes"} or not _SUBJECT_MATTER.search(lower[m.end() :])


def deployment(lower: str) -> Iterator[Found]:
    for pattern, name, text in _DEPLOYMENT:
        if any(_deploys(lower, m, name) for m in re.finditer(pattern, lower)):
            yield _named("deployment", name, text)


def other(lower: str) -> Iterator[Found]:
    for pattern, name, text in _OTHER:
        if _first(pattern, lower):
            yield _named("other", name, text)
    systems = [os for os, pattern in _OS.items() if re.search(pattern, lower)]
    if len(systems) >= 2 or re.search(r"\bcross[- ]platform\b|\bmulti[- ]platform\b", lower):
        yield _named("other", "cross_platform", "cross-platform")
    m = _LICENSE.search(lower)
    if m:
        licence = _license_id(next(g for g in m.groups() if g))
        yield (
            ConstraintValue(kind="other", name="license", op="=", value=licence),
            f"{licence} licence",
        )
    m = _FILE_SIZE.search(lower)
    if m:
        size, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value, shown = float(size), size_unit(unit)
        yield (
            ConstraintValue(kind="other", name="max_file_size", op="<=", value=value, unit=shown),
            f"files up to {fmt(value)} {shown}",
        )
    version = re.search(r"\bpython\s*(?:>=?|≥|version)?\s*(3\.\d+)\b", lower)
    if version:
        yield (
            ConstraintValue(kind="other", name="python_version", op="=", value=version.group(1)),
            f"python {version.group(1)}",
        )
    late = re.search(
        r"\b(?:up to\s+)?(\d+)\s*(mins?|minutes?|hours?|h|days?|s|seconds?)\s+late\b"
        r"|\blate(?:[- ]arriving)?\s+(?:data|events|records|messages|readings)\b[^.;\d]{0,30}?"
        r"(\d+)\s*(mins?|minutes?|hours?|h|days?|s|seconds?)\b"
        r"|\ballowed lateness (?:of\s+)?(\d+)\s*(mins?|minutes?|hours?|h|days?|s|seconds?)\b",
        lower,
    )
    if late:
        groups = [g for g in late.groups() if g]
        lateness = f"{groups[0]}{time_unit(groups[1])}"
        yield (
            ConstraintValue(kind="other", name="allowed_lateness", op="=", value=lateness),
            f"late data up to {lateness}",
        )
