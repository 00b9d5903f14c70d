"""gRPC with TLS from the settings: mutual TLS admits a worker with a certificate from the CA and
refuses one without; half a key pair is a clear configuration error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grpc
import pytest

from codeguild.config import Settings
from codeguild.rpc import PROTOCOL_VERSION
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.channels import open_channel
from codeguild.rpc.errors import RpcConfigError
from codeguild.rpc.orchestrator import OrchestratorServer


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make test certificates")
    d = tmp_path_factory.mktemp("pki")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
             "ca.pem", "-days", "2", "-subj", "/CN=test-ca", cwd=d)  # fmt: skip
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                 f"{name}.csr", "-subj", f"/CN={name}", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", "san.cnf",
                 cwd=d)  # fmt: skip
    return d


def _settings(pki: Path, who: str | None, ca: bool = True) -> Settings:
    return Settings(
        grpc_tls_cert=pki / f"{who}.pem" if who else None,
        grpc_tls_key=pki / f"{who}.key" if who else None,
        grpc_tls_ca=pki / "ca.pem" if ca else None,
    )


REQUEST = pb.RegisterRequest(
    protocol_version=PROTOCOL_VERSION,
    worker_name="tls",
    address="127.0.0.1:7000",
    roles=["tester"],
    capacity=1,
)


async def test_mutual_tls_admits_certified_workers_only(pki: Path) -> None:
    server = OrchestratorServer(_settings(pki, "server"))
    port = await server.start(host="127.0.0.1", port=0)
    try:
        channel = open_channel(f"127.0.0.1:{port}", _settings(pki, "client"))
        reply = await pb_grpc.OrchestratorStub(channel).Register(REQUEST, timeout=10)
        assert reply.worker_id == "tls"
        await channel.close()

        anonymous = open_channel(f"127.0.0.1:{port}", _settings(pki, None))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await pb_grpc.OrchestratorStub(anonymous).Register(REQUEST, timeout=10)
        assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
        await anonymous.close()

        plaintext = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        with pytest.raises(grpc.aio.AioRpcError):
            await pb_grpc.OrchestratorStub(plaintext).Register(REQUEST, timeout=10)
        await plaintext.close()
    finally:
        await server.stop(0)


def test_half_a_key_pair_is_a_configuration_error(pki: Path) -> None:
    settings = Settings(grpc_tls_cert=pki / "client.pem", grpc_tls_ca=pki / "ca.pem")
    with pytest.raises(RpcConfigError, match="CODEGUILD_GRPC_TLS_KEY"):
        open_channel("127.0.0.1:1", settings)
    missing = Settings(grpc_tls_ca=pki / "nope.pem")
    with pytest.raises(RpcConfigError, match="Cannot read the gRPC TLS CA"):
        open_channel("127.0.0.1:1", missing)
