"""Connect to a port the host listens on: python attack.py PORT."""

import socket
import sys

port = int(sys.argv[1])
with socket.create_connection(("127.0.0.1", port), timeout=3) as conn:
    conn.sendall(b"exfiltrated")
print("connected")
