from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegisterRequest(_message.Message):
    __slots__ = ("protocol_version", "worker_name", "address", "roles", "capacity", "codeguild_version")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    WORKER_NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    CODEGUILD_VERSION_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    worker_name: str
    address: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    capacity: int
    codeguild_version: str
    def __init__(self, protocol_version: _Optional[int] = ..., worker_name: _Optional[str] = ..., address: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., capacity: _Optional[int] = ..., codeguild_version: _Optional[str] = ...) -> None: ...

class RegisterReply(_message.Message):
    __slots__ = ("worker_id", "heartbeat_interval_s", "heartbeat_timeout_s", "agents", "protocol_version")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    heartbeat_interval_s: float
    heartbeat_timeout_s: float
    agents: _containers.RepeatedScalarFieldContainer[str]
    protocol_version: int
    def __init__(self, worker_id: _Optional[str] = ..., heartbeat_interval_s: _Optional[float] = ..., heartbeat_timeout_s: _Optional[float] = ..., agents: _Optional[_Iterable[str]] = ..., protocol_version: _Optional[int] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("worker_id", "busy")
    class BusyEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSY_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    busy: _containers.ScalarMap[str, int]
    def __init__(self, worker_id: _Optional[str] = ..., busy: _Optional[_Mapping[str, int]] = ...) -> None: ...

class HeartbeatReply(_message.Message):
    __slots__ = ("heartbeat_interval_s",)
    HEARTBEAT_INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    heartbeat_interval_s: float
    def __init__(self, heartbeat_interval_s: _Optional[float] = ...) -> None: ...

class DeregisterRequest(_message.Message):
    __slots__ = ("worker_id", "reason")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    reason: str
    def __init__(self, worker_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DeregisterReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TaskSpec(_message.Message):
    __slots__ = ("name", "capability", "component", "action", "depends_on", "priority", "estimate_s", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DEPENDS_ON_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_S_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    capability: str
    component: str
    action: str
    depends_on: _containers.RepeatedScalarFieldContainer[str]
    priority: str
    estimate_s: float
    description: str
    def __init__(self, name: _Optional[str] = ..., capability: _Optional[str] = ..., component: _Optional[str] = ..., action: _Optional[str] = ..., depends_on: _Optional[_Iterable[str]] = ..., priority: _Optional[str] = ..., estimate_s: _Optional[float] = ..., description: _Optional[str] = ...) -> None: ...

class File(_message.Message):
    __slots__ = ("path", "content")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    path: str
    content: bytes
    def __init__(self, path: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class TaskRequest(_message.Message):
    __slots__ = ("execution_id", "run_id", "role", "task", "engine", "intent_json", "blueprint_json", "files", "shared_json", "results_json")
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    INTENT_JSON_FIELD_NUMBER: _ClassVar[int]
    BLUEPRINT_JSON_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    SHARED_JSON_FIELD_NUMBER: _ClassVar[int]
    RESULTS_JSON_FIELD_NUMBER: _ClassVar[int]
    execution_id: str
    run_id: str
    role: str
    task: TaskSpec
    engine: str
    intent_json: str
    blueprint_json: str
    files: _containers.RepeatedCompositeFieldContainer[File]
    shared_json: str
    results_json: str
    def __init__(self, execution_id: _Optional[str] = ..., run_id: _Optional[str] = ..., role: _Optional[str] = ..., task: _Optional[_Union[TaskSpec, _Mapping]] = ..., engine: _Optional[str] = ..., intent_json: _Optional[str] = ..., blueprint_json: _Optional[str] = ..., files: _Optional[_Iterable[_Union[File, _Mapping]]] = ..., shared_json: _Optional[str] = ..., results_json: _Optional[str] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("message", "fraction")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    message: str
    fraction: float
    def __init__(self, message: _Optional[str] = ..., fraction: _Optional[float] = ...) -> None: ...

class Failure(_message.Message):
    __slots__ = ("type", "code", "message")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    type: str
    code: str
    message: str
    def __init__(self, type: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class TaskOutcome(_message.Message):
    __slots__ = ("ok", "files", "summary", "data_json", "written", "deleted", "shared_json", "failure", "agent", "duration_s")
    OK_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    WRITTEN_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    SHARED_JSON_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    files: _containers.RepeatedScalarFieldContainer[str]
    summary: str
    data_json: str
    written: _containers.RepeatedCompositeFieldContainer[File]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    shared_json: str
    failure: Failure
    agent: str
    duration_s: float
    def __init__(self, ok: _Optional[bool] = ..., files: _Optional[_Iterable[str]] = ..., summary: _Optional[str] = ..., data_json: _Optional[str] = ..., written: _Optional[_Iterable[_Union[File, _Mapping]]] = ..., deleted: _Optional[_Iterable[str]] = ..., shared_json: _Optional[str] = ..., failure: _Optional[_Union[Failure, _Mapping]] = ..., agent: _Optional[str] = ..., duration_s: _Optional[float] = ...) -> None: ...

class TaskUpdate(_message.Message):
    __slots__ = ("progress", "outcome")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    outcome: TaskOutcome
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ..., outcome: _Optional[_Union[TaskOutcome, _Mapping]] = ...) -> None: ...

class CollaborationRequest(_message.Message):
    __slots__ = ("run_id", "from_agent", "role", "topic", "payload_json")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_AGENT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    from_agent: str
    role: str
    topic: str
    payload_json: str
    def __init__(self, run_id: _Optional[str] = ..., from_agent: _Optional[str] = ..., role: _Optional[str] = ..., topic: _Optional[str] = ..., payload_json: _Optional[str] = ...) -> None: ...

class CollaborationReply(_message.Message):
    __slots__ = ("accepted", "reason", "payload_json")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    reason: str
    payload_json: str
    def __init__(self, accepted: _Optional[bool] = ..., reason: _Optional[str] = ..., payload_json: _Optional[str] = ...) -> None: ...

class ContextShare(_message.Message):
    __slots__ = ("run_id", "entries_json")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_JSON_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    entries_json: str
    def __init__(self, run_id: _Optional[str] = ..., entries_json: _Optional[str] = ...) -> None: ...
