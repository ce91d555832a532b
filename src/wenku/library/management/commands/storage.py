import datetime as dt

from django.core.management.base import BaseCommand

from wenku.library.storage_audit import audit, remove_orphans


class Command(BaseCommand):
    help = (
        "存储检查：列出孤立文件与缺失文件。"
        " wenku storage check [--fix] [--grace-hours H]: orphaned and missing stored files"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument(
            "--fix", action="store_true", help="remove orphaned files and stale temporary folders"
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=6.0,
            help="files younger than this may belong to work under way and are left alone",
        )

    def handle(self, *args, action, fix, grace_hours, **options):
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
