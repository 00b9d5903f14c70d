"""Channels and server ports from the settings: TLS, message size limits and keepalive."""

from __future__ import annotations

from pathlib import Path

import grpc

from codeguild.config import Settings
from codeguild.rpc.errors import RpcConfigError


def _options(settings: Settings) -> list[tuple[str, int]]:
    size = settings.grpc_max_message_mb * 1024 * 1024
    keepalive_ms = int(settings.grpc_keepalive_s * 1000)
    return [
        ("grpc.max_send_message_length", size),
        ("grpc.max_receive_message_length", size),
        ("grpc.keepalive_time_ms", keepalive_ms),
        ("grpc.keepalive_timeout_ms", max(keepalive_ms // 2, 1000)),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]


def client_options(settings: Settings) -> list[tuple[str, int]]:
    return _options(settings)


def server_options(settings: Settings) -> list[tuple[str, int]]:
    # let clients ping as often as they are configured to, without being told to go away
    keepalive_ms = int(settings.grpc_keepalive_s * 1000)
    return [
        *_options(settings),
        ("grpc.http2.min_ping_interval_without_data_ms", max(keepalive_ms // 2, 1000)),
        ("grpc.http2.min_recv_ping_interval_without_data_ms", max(keepalive_ms // 2, 1000)),
    ]


def tls_enabled(settings: Settings) -> bool:
    return bool(settings.grpc_tls_cert or settings.grpc_tls_key or settings.grpc_tls_ca)


def _read(path: Path | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RpcConfigError(
            f"Cannot read the gRPC TLS {what} {path}: {exc.strerror or exc}.",
            hint="Check CODEGUILD_GRPC_TLS_CERT, CODEGUILD_GRPC_TLS_KEY and CODEGUILD_GRPC_TLS_CA.",
        ) from None


def _pair(settings: Settings) -> tuple[bytes | None, bytes | None]:
    cert = _read(settings.grpc_tls_cert, "certificate")
    key = _read(settings.grpc_tls_key, "key")
    if (cert is None) != (key is None):
        raise RpcConfigError(
            "Only half of the gRPC TLS key pair is set.",
            hint="Set both CODEGUILD_GRPC_TLS_CERT and CODEGUILD_GRPC_TLS_KEY, or neither.",
        )
    return cert, key


def check_tls(settings: Settings) -> None:
    """Raise RpcConfigError now for TLS settings that cannot work (before anything listens)."""
    if tls_enabled(settings):
        _pair(settings)
        _read(settings.grpc_tls_ca, "CA")


def open_channel(address: str, settings: Settings) -> grpc.aio.Channel:
    """A channel to ``address`` (host:port): TLS when any TLS setting is given, else plaintext."""
    options = client_options(settings)
    if not tls_enabled(settings):
        return grpc.aio.insecure_channel(address, options=options)
    cert, key = _pair(settings)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(settings.grpc_tls_ca, "CA"),
        private_key=key,
        certificate_chain=cert,
    )
    return grpc.aio.secure_channel(address, credentials, options=options)


def add_port(server: grpc.aio.Server, address: str, settings: Settings) -> int:
    """Listen on ``address``; TLS needs a certificate and key, and a CA makes it mutual TLS."""
    try:
        port = _bind(server, address, settings)
    except RuntimeError:  # newer grpcio raises where older ones returned 0
        port = 0
    if port == 0:
        raise RpcConfigError(
            f"Cannot listen for gRPC on {address}: the port is taken or the address is invalid.",
            hint="Choose another port (CODEGUILD_GRPC_PORT, or --listen for a worker).",
        )
    return port


def _bind(server: grpc.aio.Server, address: str, settings: Settings) -> int:
    if not tls_enabled(settings):
        return server.add_insecure_port(address)
    cert, key = _pair(settings)
    if cert is None or key is None:
        raise RpcConfigError(
            "A gRPC server with TLS needs a certificate and its key.",
            hint="Set CODEGUILD_GRPC_TLS_CERT and CODEGUILD_GRPC_TLS_KEY.",
        )
    ca = _read(settings.grpc_tls_ca, "CA")
    credentials = grpc.ssl_server_credentials(
        [(key, cert)], root_certificates=ca, require_client_auth=ca is not None
    )
    return server.add_secure_port(address, credentials)
