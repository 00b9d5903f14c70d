"""Errors of the gRPC layer; each says what went wrong and what to do."""

from __future__ import annotations

from codeguild.errors import CodeguildError


class RpcError(CodeguildError):
    """Something went wrong between an orchestrator and a worker."""

    code = "rpc_error"


class RpcConfigError(RpcError):
    """The gRPC settings cannot work (e.g. a TLS file is missing or half of a pair is set)."""

    code = "rpc_config"
    exit_code = 2


class UnknownRoleError(RpcError):
    """A worker offered a role no agent exists for."""

    code = "unknown_role"
    exit_code = 2


class WorkerRefusedError(RpcError):
    """The orchestrator refused the worker (protocol version, role or address)."""

    code = "worker_refused"
    exit_code = 2


class WorkerUnavailableError(RpcError):
    """A worker could not be reached, or was lost in the middle of a task."""

    code = "worker_unavailable"


class RemoteTaskError(RpcError):
    """The remote agent raised while running a task; ``remote_type``/``remote_code`` say what."""

    code = "remote_task_failed"

    def __init__(self, message: str, *, remote_type: str, remote_code: str = "") -> None:
        self.remote_type = remote_type
        self.remote_code = remote_code
        super().__init__(message)


class RemoteRolesMissingError(RpcError):
    """A run needs remote roles that no worker registered for in time."""

    code = "remote_roles_missing"
