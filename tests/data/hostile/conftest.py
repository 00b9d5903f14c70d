"""Test discovery stays out of the hostile corpus: it is run only inside the sandbox."""

collect_ignore_glob = ["*"]
