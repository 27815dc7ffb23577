"""`flask --app lms import KIND FILE [--dry-run]`: exit 1 with the row errors on stderr, 0 with a summary."""

import json

import sqlalchemy as sa

from lms.areas.models import Area
from lms.extensions import db


def test_cli_bad_file_exits_1_with_errors_on_stderr(runner, tree, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("code,name,level,parent_code\nX,Xã X,commune,NOPE\nY,Xã Y,hamlet,D\n", encoding="utf-8")
    result = runner.invoke(args=["import", "areas", str(path)])
    assert result.exit_code == 1
    assert "row 2, column parent_code" in result.stderr
    assert "row 3, column level" in result.stderr
    assert db.session.scalar(sa.select(Area).where(Area.code == "X")) is None


def test_cli_english_flag_still_names_row_and_column(runner, tree, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_bytes("code,name\nX,Xã X\n".encode())
    result = runner.invoke(args=["import", "areas", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "row 1, column level" in result.stderr


def test_cli_good_file_commits_and_prints_the_summary(runner, tree, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("code,name,level,parent_code\nX,Xã X,commune,D\n", encoding="utf-8")
    dry = runner.invoke(args=["import", "areas", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["created"] == 1
    assert db.session.scalar(sa.select(Area).where(Area.code == "X")) is None
    result = runner.invoke(args=["import", "areas", str(path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["kind"], summary["created"], summary["errors"]) == ("areas", 1, [])
    db.session.expire_all()
    assert db.session.scalar(sa.select(Area).where(Area.code == "X")) is not None
