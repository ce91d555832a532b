import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wenku.library import storage_migrate
from wenku.library.storage_audit import audit, referenced_files, remove_orphans
from wenku.storage import describe


class Command(BaseCommand):
    help = (
        "存储检查与迁移。"
        " wenku storage check [--fix] [--grace-hours H]: orphaned and missing stored files;"
        " wenku storage migrate --to URL [--verify-only] [--jobs N]: copy the library's files"
        " to another storage (s3://BUCKET/PREFIX?endpoint_url=..., file:///folder or a folder)"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "migrate"])
        parser.add_argument(
            "--fix", action="store_true", help="remove orphaned files and stale temporary folders"
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=6.0,
            help="files younger than this may belong to work under way and are left alone",
        )
        parser.add_argument(
            "--to",
            metavar="URL",
            help="migrate: the target storage (s3://BUCKET/PREFIX?endpoint_url=...&"
            "region_name=..., file:///folder or a folder path)",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="migrate: copy nothing, only compare size and SHA-256 of every file on both sides",
        )
        parser.add_argument(
            "--jobs", type=int, default=4, help="migrate: files copied at once (default 4)"
        )

    def handle(self, *args, action, **options):
        # Not named check(): that is BaseCommand's system-check hook.
        if action == "migrate":
            return self.migrate_files(**options)
        return self.audit_files(**options)

    def audit_files(self, *, fix, grace_hours, **options):
        found = audit(grace=dt.timedelta(hours=grace_hours))
        self.stdout.write(
            f"{found.stored} stored files, {found.referenced} referenced; "
            f"{len(found.orphans)} orphaned, {len(found.missing)} missing, "
            f"{len(found.stale_temp)} stale temporary"
        )
        for name in found.orphans:
            self.stdout.write(f"orphan  {name}")
        for name, number in found.missing:
            self.stdout.write(f"missing {name} (document {number})")
        for path in found.stale_temp:
            self.stdout.write(f"temp    {path}")
        if fix:
            removed = remove_orphans(found)
            self.stdout.write(f"removed {removed}")
        elif found.missing:
            # Missing files are lost data: say so in the exit status for monitoring.
            raise SystemExit(1)

    def migrate_files(self, *, to, verify_only, jobs, **options):
        if not to:
            raise CommandError("migrate 需要 --to URL (the target storage)")
        try:
            spec = storage_migrate.storage_spec(to)
        except ValueError as exc:
            raise CommandError(f"--to: {exc}") from None
        here, there = describe(settings.STORAGES["default"]), describe(spec)
        if here == there:
            raise CommandError(f"--to names the storage in use ({here})")
        target = storage_migrate.build_storage(spec)
        try:
            target.listdir("")  # fail once, clearly, rather than once per file
        except FileNotFoundError:
            pass  # an empty folder or prefix: it fills as files are copied
        except Exception as exc:  # noqa: BLE001 - whatever the service said, said once
            raise CommandError(f"目标存储无法访问 (cannot reach {there}): {exc}") from None

        names = referenced_files()
        verb = "校验" if verify_only else "迁移"
        self.stdout.write(f"{verb} {len(names)} files: {here} -> {there}")
        with tqdm(total=len(names), desc=verb, unit="个", file=self.stderr._out) as bar:
            summary = storage_migrate.migrate(
                default_storage,
                target,
                names,
                verify_only=verify_only,
                jobs=jobs,
                on_done=lambda outcome: bar.update(1),
            )
        for outcome in summary.failed:
            self.stdout.write(f"failed  {outcome.name}: {outcome.error}")
        if verify_only:
            self.stdout.write(
                f"{summary.total} files: {summary.verified} identical, "
                f"{len(summary.failed)} missing or different"
            )
        else:
            self.stdout.write(
                f"{summary.total} files: {summary.copied} copied "
                f"({summary.bytes_copied / 1024 / 1024:.1f} MB), {summary.present} already there, "
                f"{len(summary.failed)} failed"
            )
        if summary.failed:
            raise SystemExit(1)
        if not verify_only:
            url = to if "://" in to else Path(spec["OPTIONS"]["location"]).as_uri()
            self.stdout.write(
                "完成。Run it again once the site stops writing (it copies only what is new), "
                f"then set WENKU_STORAGE_URL='{url}' and restart."
            )
