import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from wenku.conversion.worker import Supervisor


class Command(BaseCommand):
    help = "运行网站（gunicorn）和内置转换进程。Serve the site with embedded workers."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-access-log", action="store_true", help="do not log every request")
        parser.add_argument(
            "--workers", type=int, default=None,
            help="conversion processes (default: WENKU_WORKERS or one per core; 0 for none)",
        )  # fmt: skip

    def handle(self, *args, bind, web_workers, threads, workers, no_access_log, **options):
        count = settings.WENKU.worker_count if workers is None else workers
        access_log = [] if no_access_log else ["--access-logfile", "-"]
        gunicorn = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "wenku.wsgi:application",
                "--bind", bind, "--workers", str(web_workers), "--threads", str(threads),
                "--worker-class", "gthread", "--timeout", "120", *access_log,
            ],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "wenku.settings"},
        )  # fmt: skip
        supervisor = Supervisor(count)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        supervisor.start()
        self.stdout.write(f"Wenku 已启动：http://{bind}/  （{count} 个转换进程；Ctrl+C 停止）")
        try:
            while not stopping:
                time.sleep(1)
                if gunicorn.poll() is not None:
                    self.stderr.write(f"gunicorn exited with {gunicorn.returncode}")
                    break
                supervisor.check()
        finally:
            if gunicorn.poll() is None:
                gunicorn.send_signal(signal.SIGTERM)
            supervisor.stop()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if gunicorn.returncode not in (0, None, -signal.SIGTERM) and not stopping:
            sys.exit(1)
