from django.conf import settings
from django.core.management.base import BaseCommand

from wenku.conversion.worker import Supervisor, run_child


class Command(BaseCommand):
    help = "运行文档转换进程（每个进程一个常驻 LibreOffice）。Run conversion workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes", "-n", type=int, default=0,
            help="worker processes (default: WENKU_WORKERS, else one per CPU core)",
        )  # fmt: skip
        parser.add_argument("--child", type=int, default=None, help="(internal) run one slot")

    def handle(self, *args, processes: int, child: int | None, **options):
        if child is not None:
            run_child(child)
            return
        count = processes or settings.WENKU.worker_count
        self.stdout.write(f"wenku worker: {count} process(es); Ctrl+C to stop")
        Supervisor(count).run_forever()
