"""Planning the sandbox's mounts and reading back what a run left outside its box (no mounting)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from codeguild.quality import sandbox_mount_setup
from codeguild.quality.sandbox_mounts import (
    MountPlan,
    blocked_dirs,
    contained_writes,
    plan_mounts,
    prepare_outside,
    setup_argv,
    shadow_name,
)


def test_confined_plan_covers_world_writable_dirs_and_hides_homes(tmp_path: Path) -> None:
    prefix = os.path.realpath("/root")
    plan = plan_mounts(
        (f"{prefix}/.pyenv/versions/3.11", f"{prefix}/.pyenv/versions/3.11/lib"),
        {prefix},
        confine=True,
    )
    assert plan.readonly and plan.confines_writes
    covered = [d for d, _ in plan.covers]
    assert os.path.realpath("/tmp") in covered
    hides = dict(plan.hides)
    # only the outermost interpreter path is bound back; the nested one comes along with it
    assert hides[prefix] == (f"{prefix}/.pyenv/versions/3.11",)
    assert not set(hides) & set(covered)


def test_unconfined_plan_only_remaps_blocked_dirs() -> None:
    plan = plan_mounts(("/opt/secret/python",), {"/opt"}, confine=False)
    assert plan == MountPlan(covers=(), hides=(("/opt", ("/opt/secret/python",)),), readonly=False)
    assert not plan.confines_writes


def test_a_dir_inside_a_covered_one_is_not_mounted_twice(tmp_path: Path) -> None:
    tmp = os.path.realpath("/tmp")
    private = f"{tmp}/private-venv"
    plan = plan_mounts((f"{private}/lib",), {private}, confine=True)
    assert private not in dict(plan.hides)
    assert dict(plan.covers)[tmp] == (f"{private}/lib",)


def test_blocked_dirs_finds_the_first_untraversable_ancestor() -> None:
    base = Path(tempfile.mkdtemp(prefix="codeguild-unit-", dir="/tmp"))  # nosec B108
    try:
        base.chmod(0o755)
        locked = base / "locked"
        (locked / "inner" / "deeper").mkdir(parents=True)
        locked.chmod(0o700)
        (locked / "inner").chmod(0o700)
        owner = locked.stat().st_uid
        assert blocked_dirs([str(locked / "inner" / "deeper")], owner + 1) == {str(locked)}
        assert blocked_dirs([str(locked / "inner")], owner) == set()
    finally:
        shutil.rmtree(base)


def test_contained_writes_lists_what_the_run_left_but_not_the_scaffolding(tmp_path: Path) -> None:
    box = tmp_path / "codeguild-box-x"
    box.mkdir()
    mounts = MountPlan(covers=((str(tmp_path), ()), ("/var/tmp", ())), readonly=True)
    outside = prepare_outside(mounts, box)
    assert outside is not None and outside.parent == tmp_path
    shadow = outside / shadow_name(str(tmp_path))
    assert shadow.stat().st_mode & 0o1777 == 0o1777
    (shadow / box.name).mkdir()  # the mount point the setup made for the box
    (shadow / "left.txt").write_text("x")
    (outside / "var-tmp" / "dir").mkdir()
    (outside / "var-tmp" / "dir" / "f").write_text("y")
    listed, total = contained_writes(mounts, box, outside)
    assert total == 3
    assert sorted(listed) == sorted([f"{tmp_path}/left.txt", "/var/tmp/dir", "/var/tmp/dir/f"])


def test_setup_argv_carries_the_plan_as_json(tmp_path: Path) -> None:
    mounts = MountPlan(covers=(("/tmp", ()),), hides=(("/root", ("/root/py",)),), readonly=True)
    argv = setup_argv(mounts, tmp_path / "box", tmp_path / "outside")
    assert argv[1:3] == ["-I", "-S"]
    spec = json.loads(argv[4])
    assert spec == {
        "box": str(tmp_path / "box"),
        "readonly": True,
        "covers": [["/tmp", str(tmp_path / "outside" / "tmp"), []]],
        "hides": [["/root", ["/root/py"]]],
    }


def test_setup_program_refuses_a_malformed_spec_before_mounting() -> None:
    assert sandbox_mount_setup.main(["setup"]) == sandbox_mount_setup.SETUP_FAILED
    bad = json.dumps({"box": None, "covers": 5, "hides": []})
    assert sandbox_mount_setup.main(["setup", bad, "/bin/true"]) == sandbox_mount_setup.SETUP_FAILED
