"""AgentRepository: registered agents, heartbeats, performance per task type, and scores.

On PostgreSQL performance comes from the ``agent_performance`` materialized view (refresh it
with :meth:`refresh_performance`) and scores from the ``agent_score()`` SQL function; on SQLite
both are computed by the same formulas in Python from live data (see scoring.py).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.dialects import upsert
from codeguild.store.db.errors import StoreError
from codeguild.store.db.models import agents, task_attempts, utcnow
from codeguild.store.db.records import AgentPerformance, AgentRecord
from codeguild.store.db.scoring import agent_score, performance_row

AGENT_KINDS = frozenset({"local", "remote"})


def _record(row: RowMapping) -> AgentRecord:
    return AgentRecord(
        name=row["name"],
        capabilities=tuple(row["capabilities"]),
        capacity=row["capacity"],
        kind=row["kind"],
        state=row["state"],
        last_heartbeat=row["last_heartbeat"],
    )


class AgentRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def upsert(
        self,
        name: str,
        capabilities: Sequence[str],
        *,
        capacity: int = 1,
        kind: str = "local",
        state: str = "idle",
    ) -> AgentRecord:
        if kind not in AGENT_KINDS:
            raise StoreError(f"Unknown agent kind {kind!r}.", hint="Use 'local' or 'remote'.")
        values = {
            "name": name,
            "capabilities": sorted(set(capabilities)),
            "capacity": capacity,
            "kind": kind,
            "state": state,
            "last_heartbeat": utcnow(),
        }

        async def go(conn: AsyncConnection) -> AgentRecord:
            stmt = upsert(self.db.dialect, agents).values(created_at=utcnow(), **values)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["name"], set_={k: stmt.excluded[k] for k in values}
                )
            )
            return await self._get(conn, name)

        return await self.db.run(go, what="agents.upsert")

    async def heartbeat(
        self, name: str, *, state: str | None = None, at: datetime | None = None
    ) -> None:
        values: dict[str, object] = {"last_heartbeat": at or utcnow()}
        if state is not None:
            values["state"] = state

        async def go(conn: AsyncConnection) -> None:
            done = await conn.execute(update(agents).where(agents.c.name == name).values(**values))
            if done.rowcount == 0:
                raise StoreError(
                    f"No agent named {name!r} is registered.",
                    hint="Register it with AgentRepository.upsert() before sending heartbeats.",
                )

        await self.db.run(go, what="agents.heartbeat")

    async def get(self, name: str) -> AgentRecord | None:
        async def go(conn: AsyncConnection) -> AgentRecord | None:
            try:
                return await self._get(conn, name)
            except LookupError:
                return None

        return await self.db.run(go, what="agents.get")

    async def list(self) -> builtins.list[AgentRecord]:
        async def go(conn: AsyncConnection) -> builtins.list[AgentRecord]:
            rows = await conn.execute(select(agents).order_by(agents.c.name))
            return [_record(r) for r in rows.mappings()]

        return await self.db.run(go, what="agents.list")

    @staticmethod
    async def _get(conn: AsyncConnection, name: str) -> AgentRecord:
        row = (await conn.execute(select(agents).where(agents.c.name == name))).mappings().first()
        if row is None:
            raise LookupError(name)
        return _record(row)

    # -- performance and selection -----------------------------------------------------------

    async def refresh_performance(self) -> None:
        """Bring the materialized view up to date (PostgreSQL); SQLite reads live data anyway."""
        if not self.db.is_postgres:
            return

        async def go(conn: AsyncConnection) -> None:
            # CONCURRENTLY keeps the view readable during the refresh (needs the unique index)
            await conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY agent_performance"))

        await self.db.run(go, what="agents.refresh_performance")

    refresh_agent_performance = refresh_performance

    async def performance(
        self, agent: str | None = None, capability: str | None = None
    ) -> builtins.list[AgentPerformance]:
        """Success rate, mean and p95 duration per agent and capability, sorted by both."""
        if self.db.is_postgres:
            rows = await self._performance_view()
        else:
            rows = await self._performance_computed()
        return [
            r
            for r in rows
            if (agent is None or r.agent == agent)
            and (capability is None or r.capability == capability)
        ]

    async def _performance_view(self) -> builtins.list[AgentPerformance]:
        async def go(conn: AsyncConnection) -> builtins.list[AgentPerformance]:
            rows = await conn.execute(
                text(
                    "SELECT agent, capability, runs, successes, success_rate, mean_duration_s, "
                    "p95_duration_s FROM agent_performance ORDER BY agent, capability"
                )
            )
            return [
                AgentPerformance(**{k: r[k] for k in AgentPerformance.__slots__})
                for r in rows.mappings()
            ]

        return await self.db.run(go, what="agents.performance")

    async def _performance_computed(self) -> builtins.list[AgentPerformance]:
        a = task_attempts.c

        async def go(conn: AsyncConnection) -> builtins.list[AgentPerformance]:
            rows = await conn.execute(
                select(a.agent, a.capability, a.state, a.duration_s)
                .where(a.agent.is_not(None), a.finished_at.is_not(None))
                .order_by(a.agent, a.capability)
            )
            grouped: dict[tuple[str, str], tuple[builtins.list[str], builtins.list[float | None]]]
            grouped = {}
            for agent, capability, state, duration in rows:
                states, durations = grouped.setdefault((agent, capability), ([], []))
                states.append(state)
                durations.append(duration)
            return [performance_row(ag, cap, s, d) for (ag, cap), (s, d) in grouped.items()]

        return await self.db.run(go, what="agents.performance")

    async def score(self, agent: str, capability: str) -> float:
        """Performance score in (0, 1]; 1.0 for an agent without finished attempts."""
        if self.db.is_postgres:

            async def go(conn: AsyncConnection) -> float:
                value = await conn.scalar(select(func.agent_score(agent, capability)))
                return 1.0 if value is None else float(value)

            return await self.db.run(go, what="agents.score")
        return agent_score(agent, capability, await self.performance(capability=capability))

    async def select_agent(self, capability: str, candidates: Sequence[str]) -> str | None:
        """The best-scoring candidate for ``capability``; ties keep the candidates' order."""
        if not candidates:
            return None
        if self.db.is_postgres:
            names = builtins.list(candidates)

            async def go(conn: AsyncConnection) -> builtins.list[tuple[str, float]]:
                stmt = text(
                    "SELECT name, agent_score(name, :cap) AS score "
                    "FROM unnest(CAST(:names AS text[])) AS name"
                ).bindparams(bindparam("cap"), bindparam("names"))
                result = await conn.execute(stmt, {"cap": capability, "names": names})
                return [(str(n), float(s)) for n, s in result]

            scored = dict(await self.db.run(go, what="agents.select_agent"))
        else:
            rows = await self.performance(capability=capability)
            scored = {name: agent_score(name, capability, rows) for name in candidates}
        order = {name: i for i, name in enumerate(candidates)}
        return max(candidates, key=lambda n: (scored.get(n, 1.0), -order[n]))
