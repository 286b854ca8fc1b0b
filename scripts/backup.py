"""Back up the database Relève is configured with (``DATABASE_URL``).

    python scripts/backup.py [PATH]

PostgreSQL: ``pg_dump`` in its custom format (compressed, restorable table by table with
``pg_restore``). SQLite: a consistent copy through SQLite's online backup API (safe while the
server runs). Without PATH the file goes to ``backups/releve-YYYYmmdd-HHMMSS.<dump|sqlite3>``.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_settings() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings.DATABASES["default"]


def pg_environment(db: dict) -> dict:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def backup(target: Path | None = None, db: dict | None = None) -> Path:
    db = db or database_settings()
    postgres = "postgresql" in db["ENGINE"]
    if target is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = ROOT / "backups" / f"releve-{stamp}.{'dump' if postgres else 'sqlite3'}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if postgres:
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", db["NAME"]],
            check=True,
            env=pg_environment(db),
        )
    else:
        source = sqlite3.connect(str(db["NAME"]))
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    return target


if __name__ == "__main__":
    path = backup(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"Sauvegarde écrite : {path}")
