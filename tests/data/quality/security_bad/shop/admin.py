"""Admin helpers with planted vulnerabilities (fixture for the security check)."""

import sqlite3
import subprocess


def backup(target: str) -> None:
    subprocess.run(f"tar czf {target} data/", shell=True, check=True)


def find_user(conn: sqlite3.Connection, name: str) -> list[tuple[str, ...]]:
    query = f"SELECT id, name FROM users WHERE name = '{name}'"
    return conn.execute(query).fetchall()


def calculate(expression: str) -> float:
    return float(eval(expression))
