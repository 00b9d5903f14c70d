"""The engines that answer agents' requests: the built-in (offline) engine, later an LLM."""
