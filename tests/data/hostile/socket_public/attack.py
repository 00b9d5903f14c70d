"""Reach a public DNS server: python attack.py HOST PORT."""

import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
with socket.create_connection((host, port), timeout=3) as conn:
    conn.sendall(b"exfiltrated")
print("connected")
