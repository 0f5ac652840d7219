"""Backups (issue 10 item 14): the PostgreSQL database in pg_dump's custom format plus the uploaded
materials (MEDIA_ROOT), with a manifest of SHA-256 sums, and the restore into an EMPTY database.

A backup folder holds `database.dump`, `media/…` and `manifest.json`. The manifest is written last, so
a folder without one is an interrupted backup. The database is dumped first (one consistent snapshot)
and the media copied after it: uploads are only ever added, so every file the dump names is in the
copy; a file uploaded in between is copied too and simply not referenced.

The restore refuses before touching anything when a file is missing, altered or unlisted, when the
database already has tables, or when MEDIA_ROOT already holds files; pg_restore then runs in one
transaction (all or nothing). The append-only trigger of the audit table (item 8) is restored with it;
restoring inserts rows (COPY), which that trigger does not refuse.
"""

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT = 1


class BackupError(Exception):
    """Refused or failed: the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    files: dict[str, dict[str, Any]]  # relative path (posix) → {"sha256": …, "bytes": …}
    created_at: str
    database: dict[str, Any]
    migrations: dict[str, str]

    @property
    def media_files(self) -> list[str]:
        return [path for path in self.files if path.startswith(f"{MEDIA}/")]


def backup(destination: Path) -> Manifest:
    _require_postgresql()
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"备份目录 {destination} 不是空的：请指定一个新目录。")
    destination.mkdir(parents=True, exist_ok=True)

    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={destination / DUMP}"])
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        # Regular files only: a link in MEDIA_ROOT could point anywhere on the server.
        shutil.copytree(media_root, destination / MEDIA, symlinks=True, ignore=_links)
    else:
        (destination / MEDIA).mkdir()

    manifest = Manifest(
        files={_relative(path, destination): _digest(path) for path in _files(destination)},
        created_at=timezone.localtime().isoformat(timespec="seconds"),
        database={"name": connection.settings_dict["NAME"], "server_version": getattr(connection, "pg_version", None)},
        migrations=_migration_state(),
    )
    (destination / MANIFEST).write_text(
        json.dumps({"format": FORMAT, **manifest.__dict__}, ensure_ascii=False, indent=2, sort_keys=True),
        encoding="utf-8",
    )
    return manifest


def verify(source: Path) -> Manifest:
    """Every file listed is there with its sum and size, and no file is there that is not listed."""
    try:
        data = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{source} 中没有 {MANIFEST}：不是完整的备份（备份可能中断）。") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"{MANIFEST} 无法读取：{exc}") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} 的格式版本 {data.get('format')!r} 无法识别。")
    manifest = Manifest(
        files=data["files"], created_at=data["created_at"], database=data["database"], migrations=data["migrations"]
    )
    if DUMP not in manifest.files:
        raise BackupError(f"清单中没有数据库文件 {DUMP}。")
    present = {_relative(path, source) for path in _files(source)}
    problems = [f"缺少 {name}" for name in sorted(set(manifest.files) - present)]
    problems += [f"清单外的文件 {name}" for name in sorted(present - set(manifest.files))]
    for name in sorted(set(manifest.files) & present):
        if (source / name).is_symlink():
            problems.append(f"链接文件 {name}")
        elif _digest(source / name) != manifest.files[name]:
            problems.append(f"校验值不符 {name}")
    if problems:
        raise BackupError("备份校验未通过，未作任何恢复：" + "；".join(problems))
    return manifest


def restore(source: Path) -> Manifest:
    _require_postgresql()
    manifest = verify(source)
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"目标数据库 {connection.settings_dict['NAME']} 不是空的（已有 {len(tables)} 张表）：只能恢复到新建的空数据库。"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"材料目录 MEDIA_ROOT（{media_root}）不是空的：只能恢复到空目录。")

    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source / DUMP),
        ]
    )
    media_root.mkdir(parents=True, exist_ok=True)
    for name in manifest.media_files:
        target = media_root / Path(name).relative_to(MEDIA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    return manifest


# --- helpers -------------------------------------------------------------------------------------
def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("备份与恢复只用于 PostgreSQL（设置 DATABASE_URL）；SQLite 数据库直接复制其文件即可。")


def _run(command: list[str]) -> None:
    """A PostgreSQL client tool against the configured database; the password goes through the
    environment, never the command line (visible to every user of the server in `ps`)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库服务器同版本的 PostgreSQL 客户端工具。") from exc
    if result.returncode != 0:
        # pg_dump older than the server says "server version mismatch": the client must be as new.
        raise BackupError(f"{command[0]} 失败（退出码 {result.returncode}）：{result.stderr.strip()}")


def _links(directory: str, names: list[str]) -> list[str]:
    return [name for name in names if os.path.islink(os.path.join(directory, name))]


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if (path.is_file() or path.is_symlink()) and path != root / MANIFEST)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _digest(path: Path) -> dict[str, Any]:
    sha256 = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha256.update(block)
    return {"sha256": sha256.hexdigest(), "bytes": path.stat().st_size}


def _migration_state() -> dict[str, str]:
    """The last applied migration of each app: what the restored database will be at."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest
