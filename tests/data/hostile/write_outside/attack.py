"""Leave files on the host: python attack.py NAME WORLD_WRITABLE_FILE.

Writes NAME into every world-writable dir and the box's parent, and appends to a host file that
anyone may write; prints what happened to each as JSON.
"""

import json
import os
import sys

name, victim = sys.argv[1], sys.argv[2]
targets = [os.path.join(folder, name) for folder in ("/tmp", "/var/tmp", "/dev/shm")]
targets.append(os.path.join(os.path.dirname(os.getcwd()), f"{name}-beside-the-box"))
outcome = {}
for path in targets:
    try:
        with open(path, "w") as handle:
            handle.write("left behind by the sandbox\n")
        outcome[path] = "written"
    except OSError as exc:
        outcome[path] = f"refused: {exc}"
try:
    with open(victim, "a") as handle:
        handle.write("tampered\n")
    outcome[victim] = "written"
except OSError as exc:
    outcome[victim] = f"refused: {exc}"
print(json.dumps(outcome))
