"""PostgreSQL only: dependency-cycle trigger, agent_performance view, agent_score().

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

SQLite gets the same semantics in Python (codeguild.store.db.cycles and .scoring), so on SQLite
this revision only records itself. Keep the formulas here and in scoring.py identical.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CYCLE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION codeguild_reject_dependency_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cycle_path text[];
    old_task text := NULL;
    old_dep text := NULL;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_task := OLD.task;
        old_dep := OLD.depends_on;
    END IF;
    -- two transactions adding edges to one run must not close a cycle between them unseen
    PERFORM pg_advisory_xact_lock(hashtext('codeguild.task_dependencies:' || NEW.run_id));
    WITH RECURSIVE walk(node, path) AS (
        SELECT NEW.depends_on::text, ARRAY[NEW.task::text, NEW.depends_on::text]
        UNION ALL
        SELECT d.depends_on::text, w.path || d.depends_on::text
        FROM walk w
        JOIN task_dependencies d ON d.run_id = NEW.run_id AND d.task = w.node
        WHERE w.node <> NEW.task
          AND NOT (d.depends_on = ANY (w.path[2:]))
          AND NOT (d.task IS NOT DISTINCT FROM old_task
                   AND d.depends_on IS NOT DISTINCT FROM old_dep)
    )
    SELECT path INTO cycle_path FROM walk WHERE node = NEW.task LIMIT 1;
    IF cycle_path IS NOT NULL THEN
        RAISE EXCEPTION 'task dependency cycle in run %: %',
            NEW.run_id, array_to_string(cycle_path, ' -> ')
            USING ERRCODE = 'check_violation',
                  HINT = 'Remove one of these dependencies so the tasks can be ordered.';
    END IF;
    RETURN NEW;
END;
$$;
"""

CYCLE_TRIGGER = """
CREATE TRIGGER task_dependencies_no_cycle
BEFORE INSERT OR UPDATE ON task_dependencies
FOR EACH ROW EXECUTE FUNCTION codeguild_reject_dependency_cycle();
"""

PERFORMANCE_VIEW = """
CREATE MATERIALIZED VIEW agent_performance AS
SELECT a.agent AS agent,
       a.capability AS capability,
       count(*) AS runs,
       count(*) FILTER (WHERE a.state = 'succeeded') AS successes,
       (count(*) FILTER (WHERE a.state = 'succeeded'))::double precision / count(*)
           AS success_rate,
       avg(a.duration_s) AS mean_duration_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_s) AS p95_duration_s
FROM task_attempts a
WHERE a.agent IS NOT NULL AND a.finished_at IS NOT NULL
GROUP BY a.agent, a.capability
"""

# REFRESH ... CONCURRENTLY needs a unique index on the view
PERFORMANCE_INDEX = (
    "CREATE UNIQUE INDEX ux_agent_performance_agent_capability "
    "ON agent_performance (agent, capability)"
)

# success rate with an optimistic prior (an unmeasured agent scores 1.0 and gets tried) times
# speed relative to the fastest agent of that capability; in (0, 1]
SCORE_FUNCTION = """
CREATE OR REPLACE FUNCTION agent_score(p_agent text, p_capability text)
RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT ((p.successes + 1)::double precision / (p.runs + 1))
                * COALESCE(
                    (SELECT min(q.mean_duration_s) FROM agent_performance q
                     WHERE q.capability = p_capability AND q.mean_duration_s > 0)
                    / NULLIF(p.mean_duration_s, 0),
                    1.0)
         FROM agent_performance p
         WHERE p.agent = p_agent AND p.capability = p_capability),
        1.0)
$$;
"""


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgres():
        return
    op.execute(CYCLE_FUNCTION)
    op.execute(CYCLE_TRIGGER)
    op.execute(PERFORMANCE_VIEW)
    op.execute(PERFORMANCE_INDEX)
    op.execute(SCORE_FUNCTION)


def downgrade() -> None:
    if not _is_postgres():
        return
    op.execute("DROP FUNCTION IF EXISTS agent_score(text, text)")
    op.execute("DROP MATERIALIZED VIEW IF EXISTS agent_performance")
    op.execute("DROP TRIGGER IF EXISTS task_dependencies_no_cycle ON task_dependencies")
    op.execute("DROP FUNCTION IF EXISTS codeguild_reject_dependency_cycle()")
