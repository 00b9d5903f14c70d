"""Delete files outside the project: python attack.py TARGET_DIR."""

import os
import shutil
import sys

target = sys.argv[1]
for name in os.listdir(target):
    path = os.path.join(target, name)
    try:
        os.remove(path)
        print("deleted", path)
    except OSError as exc:
        print("refused", path, exc)
try:
    shutil.rmtree(target)
except OSError as exc:
    print("refused", target, exc)
