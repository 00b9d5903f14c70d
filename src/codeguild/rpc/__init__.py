"""Agents as gRPC workers.

``agent.proto`` defines two services: ``Orchestrator`` (workers register and heartbeat) and
``AgentWorker`` (the orchestrator runs tasks on a worker). ``client.RemoteAgent`` is the ordinary
Agent protocol behind a gRPC client, so the AgentManager and the scheduler treat a remote agent
exactly like an in-process one.
"""

from __future__ import annotations

import os

# runs fork sandboxed subprocesses that exec at once and never use gRPC: without fork support
# grpc neither installs fork handlers nor logs "skipping fork() handlers" on every fork
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

#: bumped on any incompatible change of agent.proto or of what its JSON fields carry
PROTOCOL_VERSION = 1
