"""Test discovery stays out of these fixture projects: they are inputs, not tests."""

collect_ignore_glob = ["*"]
