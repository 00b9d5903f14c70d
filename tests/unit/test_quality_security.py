from pathlib import Path

from codeguild.quality.security import bandit_scan, dependency_pins, secrets_scan

# Assembled at runtime so this test file does not itself contain a scannable key.
AWS_KEY = "AKIA" + "Q3EGRWZ7HXM4TPLN"


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


async def test_bandit_clean_code_passes(tmp_path: Path) -> None:
    _project(tmp_path, {"app.py": "def add(a: int, b: int) -> int:\n    return a + b\n"})
    result = await bandit_scan(tmp_path)
    assert result.error is None
    assert result.passed
    assert result.metrics == {"low": 0.0, "medium": 0.0, "high": 0.0}


async def test_bandit_finds_shell_injection_and_eval(tmp_path: Path) -> None:
    code = (
        "import subprocess\n\n\ndef run(x):\n    return subprocess.call(x, shell=True)\n\n\n"
        "def calc():\n    return eval(input())\n"
    )
    _project(tmp_path, {"app.py": code})
    result = await bandit_scan(tmp_path)
    assert not result.passed
    rules = {f.rule.split()[0]: f for f in result.findings}
    assert rules["B602"].severity == "high"
    assert rules["B602"].line == 5
    assert rules["B602"].file == "app.py"
    assert rules["B307"].severity == "medium"
    assert result.metrics["high"] >= 1 and result.metrics["medium"] >= 1


async def test_bandit_honours_project_config(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "app.py": "def calc():\n    return eval(input())\n",
            "pyproject.toml": '[tool.bandit]\nskips = ["B307"]\n',
        },
    )
    result = await bandit_scan(tmp_path)
    assert result.passed, result.findings


def test_secrets_scan_finds_aws_key(tmp_path: Path) -> None:
    _project(tmp_path, {"app/settings.py": f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'})
    result = secrets_scan(tmp_path)
    assert not result.passed
    [finding] = result.findings
    assert finding.rule == "aws-access-key-id"
    assert finding.severity == "high"
    assert finding.line == 1
    assert AWS_KEY not in finding.message  # the report must not spread the secret


def test_secrets_scan_generic_assignment_and_private_key(tmp_path: Path) -> None:
    pem = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"
    _project(
        tmp_path,
        {"config.py": 'db_password = "hunter2hunter2"\n', "deploy/id_rsa": pem},
    )
    rules = {f.rule: f for f in secrets_scan(tmp_path).findings}
    assert rules["hardcoded-secret"].severity == "medium"
    assert rules["private-key"].severity == "high"


def test_secrets_scan_skips_placeholders_and_env_lookups(tmp_path: Path) -> None:
    code = (
        "import os\n"
        'SECRET_KEY = os.environ["SECRET_KEY"]\n'
        'api_key = "your-api-key-here"\n'
        'password = "changeme-please"\n'
        'token = "<token>"\n'
    )
    _project(tmp_path, {"settings.py": code})
    result = secrets_scan(tmp_path)
    assert result.passed
    assert result.findings == []


def test_secrets_in_test_files_are_low(tmp_path: Path) -> None:
    _project(tmp_path, {"tests/test_auth.py": 'password = "s3cr3t-pa55w0rd"\n'})
    result = secrets_scan(tmp_path)
    assert result.passed
    assert [f.severity for f in result.findings] == ["low"]


def test_pins_all_pinned_passes(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "requirements.txt": (
                "# runtime\nfastapi==0.110.0\nuvicorn[standard]==0.29.0  # server\n"
            ),
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["httpx==0.27.0"]\n',
        },
    )
    result = dependency_pins(tmp_path)
    assert result.passed
    assert result.metrics == {"requirements": 3.0, "unpinned": 0.0}


def test_pins_unpinned_requirements_are_medium_findings(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "requirements.txt": "-r requirements-base.txt\nrequests>=2\n",
            "requirements-base.txt": "pydantic==2.7.0\nsqlalchemy\n",
            "pyproject.toml": (
                '[project]\nname = "x"\ndependencies = ["httpx==0.27.0"]\n'
                '[project.optional-dependencies]\ndev = ["pytest~=8.0"]\n'
            ),
        },
    )
    result = dependency_pins(tmp_path)
    assert not result.passed
    unpinned = {(f.file, f.message.split()[0]) for f in result.findings}
    assert unpinned == {
        ("requirements.txt", "requests"),
        ("requirements-base.txt", "sqlalchemy"),
        ("pyproject.toml", "pytest"),
    }
    assert all(f.severity == "medium" for f in result.findings)
    assert result.metrics["unpinned"] == 3
    assert result.metrics["requirements"] == 5
