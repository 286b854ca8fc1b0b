"""Restore a backup made by ``scripts/backup.py`` into the configured database.

    python scripts/restore.py PATH

PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction (a failed restore leaves
the database as it was). SQLite: the file is copied back through the online backup API.
The database's current content is REPLACED: stop the server and the workers first.
"""

import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backup import database_settings, pg_environment


def restore(source: Path, db: dict | None = None) -> None:
    db = db or database_settings()
    if not source.exists():
        raise SystemExit(f"Fichier introuvable : {source}")
    if "postgresql" in db["ENGINE"]:
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(source),
            ],
            check=True,
            env=pg_environment(db),
        )
    else:
        backup_file = sqlite3.connect(str(source))
        destination = sqlite3.connect(str(db["NAME"]))
        try:
            backup_file.backup(destination)
        finally:
            destination.close()
            backup_file.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/restore.py PATH")
    restore(Path(sys.argv[1]))
    print(f"Base restaurée depuis {sys.argv[1]}")
