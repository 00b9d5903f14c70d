"""The checked-in gRPC code is exactly what grpc_tools.protoc makes of agent.proto."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import codeguild.rpc

RPC = Path(codeguild.rpc.__file__).parent
GENERATED = ("agent_pb2.py", "agent_pb2_grpc.py", "agent_pb2.pyi")


def test_generated_code_matches_the_proto(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools", reason="grpcio-tools is a dev dependency")
    source = tmp_path / "codeguild" / "rpc"
    source.mkdir(parents=True)
    shutil.copy(RPC / "agent.proto", source / "agent.proto")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            "-I",
            ".",
            "--python_out=.",
            "--grpc_python_out=.",
            "--pyi_out=.",
            "codeguild/rpc/agent.proto",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    for name in GENERATED:
        fresh = (source / name).read_text(encoding="utf-8")
        checked_in = (RPC / name).read_text(encoding="utf-8")
        assert fresh == checked_in, f"{name} is stale: run `make proto` and commit the result"


def test_both_services_and_the_seed_methods_exist() -> None:
    from codeguild.rpc import agent_pb2 as pb

    services = pb.DESCRIPTOR.services_by_name
    assert set(services["Orchestrator"].methods_by_name) == {"Register", "Heartbeat", "Deregister"}
    worker = services["AgentWorker"].methods_by_name
    assert set(worker) == {
        "ExecuteTask",
        "StreamTaskProgress",
        "CollaborateRequest",
        "ShareContext",
    }
    assert worker["StreamTaskProgress"].server_streaming
    assert "protocol_version" in pb.RegisterRequest.DESCRIPTOR.fields_by_name
