"""The orchestrator's side: registration refusals over real gRPC, and worker health in runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from codeguild.agents.base import Agent
from codeguild.config import Settings
from codeguild.orchestration.manager import AgentManager
from codeguild.rpc import PROTOCOL_VERSION
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.errors import RemoteRolesMissingError, UnknownRoleError
from codeguild.rpc.orchestrator import OrchestratorServer
from codeguild.rpc.registry import RemoteAgentRegistry
from codeguild.rpc.roles import KNOWN_ROLES, ROLE_CAPABILITIES, local_agents


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def orchestrator() -> AsyncIterator[pb_grpc.OrchestratorStub]:
    server = OrchestratorServer(Settings())
    port = await server.start(host="127.0.0.1", port=0)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    yield pb_grpc.OrchestratorStub(channel)
    await channel.close()
    await server.stop(0)


def _request(**overrides: object) -> pb.RegisterRequest:
    fields: dict[str, object] = {
        "protocol_version": PROTOCOL_VERSION,
        "worker_name": "w1",
        "address": "127.0.0.1:7000",
        "roles": ["tester"],
        "capacity": 2,
    }
    fields.update(overrides)
    return pb.RegisterRequest(**fields)  # type: ignore[arg-type]


async def test_a_wrong_protocol_version_is_refused_naming_both(
    orchestrator: pb_grpc.OrchestratorStub,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await orchestrator.Register(_request(protocol_version=99), timeout=5)
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    detail = caught.value.details() or ""
    assert f"speaks version {PROTOCOL_VERSION}" in detail and "speaks version 99" in detail


async def test_an_unknown_role_is_refused_with_the_known_ones(
    orchestrator: pb_grpc.OrchestratorStub,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await orchestrator.Register(_request(roles=["tester", "painter"]), timeout=5)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "Unknown role 'painter'; known roles: " + ", ".join(KNOWN_ROLES) in (
        caught.value.details() or ""
    )


async def test_register_heartbeat_and_an_unknown_worker(
    orchestrator: pb_grpc.OrchestratorStub,
) -> None:
    reply = await orchestrator.Register(_request(roles=["tester", "reviewer"]), timeout=5)
    assert reply.worker_id == "w1"
    assert list(reply.agents) == ["tester@w1", "reviewer@w1"]
    again = await orchestrator.Register(_request(), timeout=5)
    assert again.worker_id == "w1-2"  # names are never reused
    await orchestrator.Heartbeat(pb.HeartbeatRequest(worker_id="w1"), timeout=5)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await orchestrator.Heartbeat(pb.HeartbeatRequest(worker_id="ghost"), timeout=5)
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


def _identity(agent: Agent) -> Agent:
    return agent


async def test_silent_workers_turn_unhealthy_in_attached_runs_and_heartbeats_revive() -> None:
    clock = Clock()
    registry = RemoteAgentRegistry(Settings(grpc_heartbeat_timeout_s=5.0), clock=clock)
    manager = AgentManager()
    unhealthy: list[str] = []
    manager.add_health_listener(unhealthy.append)
    registry.register("w1", "127.0.0.1:7001", ["tester"], 2, PROTOCOL_VERSION)
    registry.attach(manager, "tester", _identity)
    registry.register("w2", "127.0.0.1:7002", ["tester", "reviewer"], 1, PROTOCOL_VERSION)
    names = {row["name"]: row for row in manager.status()}
    assert set(names) == {"tester@w1", "tester@w2"}  # reviewer was not attached
    assert names["tester@w1"]["capacity"] == 2
    clock.now += 4
    registry.heartbeat("w2")
    clock.now += 2
    assert registry.check() == ["w1"]
    assert unhealthy == ["tester@w1"]
    assert manager.try_acquire("run_tests") is not None  # w2 still serves
    registry.heartbeat("w1")
    assert all(row["healthy"] for row in manager.status())
    registry.deregister("w2")
    assert {r["name"]: r["healthy"] for r in manager.status()} == {
        "tester@w1": True,
        "tester@w2": False,
    }
    assert registry.serves("tester") and not registry.serves("reviewer")
    await registry.close()


async def test_waiting_for_roles_names_what_is_missing() -> None:
    registry = RemoteAgentRegistry(Settings(), required_roles=["tester", "security"])
    assert registry.serves("security")  # required roles are remote even before a worker joins
    registry.register("w1", "127.0.0.1:7001", ["tester"], 1, PROTOCOL_VERSION)
    with pytest.raises(RemoteRolesMissingError, match=r"remote role\(s\) security within 0.2s"):
        await registry.wait_for_roles(["tester", "security"], 0.2)
    await registry.wait_for_roles(["tester"], 0.2)
    await registry.close()


async def test_a_run_waits_for_required_roles_that_join_late() -> None:
    registry = RemoteAgentRegistry(Settings(), required_roles=["tester"])
    with pytest.raises(RemoteRolesMissingError, match=r"remote role\(s\) tester within 0.1s"):
        await registry.wait_for_required(0.1)
    waiting = asyncio.create_task(registry.wait_for_required(5.0))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # still no worker: the run holds
    registry.register("w1", "127.0.0.1:7001", ["tester"], 1, PROTOCOL_VERSION)
    await asyncio.wait_for(waiting, 1.0)  # the worker joined: the run goes on
    await RemoteAgentRegistry(Settings(), required_roles=[]).wait_for_required(0.0)
    await registry.close()


def test_an_unknown_required_role_is_a_configuration_error() -> None:
    with pytest.raises(UnknownRoleError, match="CODEGUILD_REMOTE_ROLES: Unknown role 'testr'"):
        RemoteAgentRegistry(Settings(remote_roles=["tester", "testr"]))


def test_role_capabilities_are_the_local_agents_own() -> None:
    agents = local_agents(list(KNOWN_ROLES), Settings())
    assert {role: agent.capabilities for role, agent in agents.items()} == ROLE_CAPABILITIES
    assert {role: agent.name for role, agent in agents.items()} == {r: r for r in KNOWN_ROLES}
