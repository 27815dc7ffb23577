"""deploy/: the environment file lists every setting, one beat, the proxy headers the app trusts, and
static URLs that change with the file (so nginx may let browsers keep them for a year)."""

import configparser
import hashlib
import re
import subprocess
from pathlib import Path

from config import Config, env_name, setting_names

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SCRIPT_SETTINGS = {"LMS_CONFIG", "LMS_INSTANCE_DIR", "BACKUP_DIR", "BACKUP_KEEP_DAYS", "BACKUP_OFFSITE"}


def test_the_environment_file_lists_every_setting_and_nothing_else():
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    settings = {env_name(n) for n in setting_names(Config)}
    assert settings - listed == set(), "add these settings to deploy/.env.example"
    gunicorn = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    assert listed - settings - SCRIPT_SETTINGS - gunicorn == set(), "deploy/.env.example names unknown settings"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_systemd_runs_web_workers_per_queue_and_exactly_one_beat():
    units = sorted(p.name for p in (DEPLOY / "systemd").iterdir())
    assert [u for u in units if "beat" in u] == ["hoctap-beat.service"]
    assert "worker.celery_app beat" in unit("hoctap-beat.service")["Service"]["ExecStart"]
    worker = unit("hoctap-worker@.service")["Service"]["ExecStart"]
    assert "worker.celery_app worker" in worker and "-Q %i" in worker
    web = unit("hoctap-web.service")["Service"]["ExecStart"]
    assert "gunicorn -c deploy/gunicorn.conf.py" in web
    for name in ("hoctap-web.service", "hoctap-worker@.service", "hoctap-beat.service", "hoctap-backup.service"):
        assert unit(name)["Service"]["EnvironmentFile"] == "/etc/hoctap/env"
    assert "backup.sh" in unit("hoctap-backup.service")["Service"]["ExecStart"]
    assert unit("hoctap-backup.timer")["Timer"]["OnCalendar"]


def test_the_backup_script_creates_then_verifies():
    script = (DEPLOY / "backup.sh").read_text()
    assert subprocess.run(["sh", "-n", str(DEPLOY / "backup.sh")]).returncode == 0
    assert script.index("backup create") < script.index("backup verify")


def test_nginx_sends_what_the_app_trusts_and_accepts_its_largest_upload():
    site = (DEPLOY / "nginx" / "hoctap.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header} " in site
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size and int(size.group(1)) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    static = site[site.index("location /static/") :]
    assert "expires 1y" in static and "immutable" in static


def test_static_urls_carry_the_digest_of_the_file(app):
    page = app.test_client().get("/").get_data(as_text=True)
    css = (ROOT / "lms" / "static" / "css" / "app.css").read_bytes()
    digest = hashlib.sha256(css).hexdigest()[:12]
    assert f'/static/css/app.css?v={digest}"' in page
    assert re.search(r'/static/js/app\.js\?v=[0-9a-f]{12}"', page)
    assert app.test_client().get(f"/static/css/app.css?v={digest}").status_code == 200
