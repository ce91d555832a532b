"""Office documents to PDF with LibreOffice, kept warm through unoserver.

Each worker process owns one `OfficeConverter`: its own unoserver, its own LibreOffice profile
and ports, restarted after a number of conversions (soffice grows to ~500 MB) or when it stops
answering. When unoserver cannot be used, a cold `soffice --convert-to` is the fallback.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import xmlrpc.client
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ConversionError, StepTimeout

log = logging.getLogger("wenku.conversion")
FONTS_CONF = Path(__file__).with_name("fonts.conf")
# The input filter LibreOffice should use for files we prepare ourselves (EPUB and TXT as HTML).
HTML_FILTER = "HTML (StarWriter)"


def office_env(profile: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env["HOME"] = str(profile)  # LibreOffice writes caches under $HOME
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def office_timeout(size_bytes: int) -> float:
    seconds = (
        settings.WENKU.office_timeout_base
        + settings.WENKU.office_timeout_per_mb * size_bytes / 1024**2
    )
    return min(seconds, settings.WENKU.office_timeout_max)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_group(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):  # type: ignore[no-untyped-def]
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


class OfficeConverter:
    """Converts files to PDF with a warm LibreOffice; one instance per worker process."""

    def __init__(self, workdir: Path, *, use_unoserver: bool | None = None) -> None:
        self.workdir = workdir
        self.use_unoserver = settings.WENKU.unoserver if use_unoserver is None else use_unoserver
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.conversions = 0
        self.starts = 0
        self.recycled = 0
        # Conversions that fell back to (or were configured for) a cold soffice.
        self.cold_conversions = 0

    # -- unoserver lifecycle -------------------------------------------------------------
    def _pythonpath(self) -> Path:
        """A folder holding only unoserver, for the system Python that has `uno`.

        unoserver is pure Python and lives in our venv, but must run under the interpreter that
        LibreOffice's python3-uno was built for; giving it the whole venv would mix versions.
        """
        dist = importlib.metadata.distribution("unoserver")
        target = self.workdir / "unoserver-path"
        target.mkdir(parents=True, exist_ok=True)
        package = Path(str(dist.locate_file("unoserver")))
        info = Path(str(dist._path))  # type: ignore[attr-defined]
        for src in (package, info):
            link = target / src.name
            if not link.exists():
                link.symlink_to(src)
        return target

    def start(self) -> None:
        """Start unoserver and wait until it answers (about 7 s: unoserver sleeps that long)."""
        self.stop()
        profile = self.workdir / "profile"
        profile.mkdir(parents=True, exist_ok=True)
        self.port, uno_port = _free_port(), _free_port()
        env = office_env(profile)
        env["PYTHONPATH"] = str(self._pythonpath())
        cmd = [
            settings.WENKU.uno_python, "-m", "unoserver.server",
            "--interface", "127.0.0.1", "--port", str(self.port),
            "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port),
            "--user-installation", str(profile.resolve()),
            "--executable", shutil.which(settings.WENKU.soffice) or settings.WENKU.soffice,
            "--quiet",
        ]  # fmt: skip
        log_file = (self.workdir / "unoserver.log").open("ab")
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        log_file.close()
        self.starts += 1
        self.conversions = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ConversionError(
                    _("转换服务启动失败，稍后将自动重试。"),
                    permanent=False,
                    detail="unoserver exited",
                )
            try:
                self._proxy(5).info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.25)
        self.stop()
        raise ConversionError(
            _("转换服务启动超时，稍后将自动重试。"),
            permanent=False,
            detail="unoserver start timeout",
        )

    def stop(self) -> None:
        # unoserver does not exit promptly on SIGTERM; its soffice child is in its group.
        _kill_group(self.proc)
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", allow_none=True, transport=_TimeoutTransport(timeout)
        )

    def rss_mb(self) -> float:
        """Resident memory of unoserver and its LibreOffice (its process group), in MB."""
        if not self.alive():
            return 0.0
        return _group_rss_mb(self.proc.pid)  # type: ignore[union-attr]

    def answers(self) -> bool:
        try:
            self._proxy(5).info()
        except (OSError, xmlrpc.client.Error):
            return False
        return True

    # -- conversion ------------------------------------------------------------------------
    def convert(self, src: Path, dst: Path, *, timeout: float, infilter: str | None = None) -> Path:
        """Convert `src` to the PDF `dst` within `timeout` seconds.

        A file LibreOffice cannot load is a permanent failure of that file: the warm instance,
        which answered, is kept for the next document (a restart costs it ~6 s) and no cold
        `soffice` is tried (it would fail the same way). A LibreOffice that crashed or stopped
        answering is thrown away; the cold `soffice` then has one go at the file.
        """
        if self.use_unoserver:
            try:
                return self._convert_warm(src, dst, timeout, infilter)
            except StepTimeout:
                self.stop()  # a stuck LibreOffice stays stuck: throw it away
                raise
            except ConversionError as exc:
                if exc.permanent:
                    raise
                log.warning("unoserver failed (%s); falling back to cold soffice", exc.detail)
                self.stop()
            finally:
                self._recycle_if_bloated()
        self.cold_conversions += 1
        return convert_cold(src, dst, self.workdir / "cold-profile", timeout, infilter)

    def _recycle_if_bloated(self) -> None:
        rss = self.rss_mb()
        if rss > settings.WENKU.office_max_rss_mb:
            log.info(
                "LibreOffice holds %.0f MB (limit %s): restarting it",
                rss,
                settings.WENKU.office_max_rss_mb,
            )
            self.stop()
            self.recycled += 1

    def _convert_warm(self, src: Path, dst: Path, timeout: float, infilter: str | None) -> Path:
        if not self.alive() or self.conversions >= settings.WENKU.unoserver_recycle_after:
            self.start()
        dst.unlink(missing_ok=True)
        started = time.monotonic()
        try:
            self._proxy(timeout).convert(
                str(src.resolve()), None, str(dst.resolve()), "pdf", None, [], False, infilter, None
            )
        except TimeoutError as exc:
            raise StepTimeout(_("LibreOffice 转换"), timeout) from exc
        except xmlrpc.client.Fault as exc:
            # The server answered: LibreOffice refused this file. Still there? Then it is the file.
            if self.alive() and self.answers():
                raise ConversionError(cannot_load_message(), detail=_short(exc)) from exc
            raise ConversionError(crashed_message(), permanent=False, detail=_short(exc)) from exc
        except (OSError, xmlrpc.client.Error) as exc:
            if time.monotonic() - started >= timeout:
                raise StepTimeout(_("LibreOffice 转换"), timeout) from exc
            raise ConversionError(crashed_message(), permanent=False, detail=_short(exc)) from exc
        finally:
            self.conversions += 1
        if not dst.exists() or dst.stat().st_size == 0:
            raise ConversionError(cannot_load_message(), detail="unoserver wrote no PDF")
        return dst


def cannot_load_message() -> str:
    return _("LibreOffice 无法打开此文件：文件可能已损坏、不完整，或内容与扩展名所说的格式不符。")


def crashed_message() -> str:
    return _("转换程序意外退出，稍后将自动重试。")


def _group_rss_mb(pgid: int) -> float:
    total_pages = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command's ")": state, ppid, pgrp, ... rss is the 22nd field after it.
        if len(fields) > 21 and int(fields[2]) == pgid:
            total_pages += int(fields[21])
    return total_pages * os.sysconf("SC_PAGE_SIZE") / 1024**2


def convert_cold(
    src: Path, dst: Path, profile: Path, timeout: float, infilter: str | None = None
) -> Path:
    """One `soffice --convert-to pdf` process; about 2 s of start-up per file."""
    outdir = dst.parent / f"cold-{os.getpid()}-{time.monotonic_ns()}"
    outdir.mkdir(parents=True)
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [
        shutil.which(settings.WENKU.soffice) or settings.WENKU.soffice,
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        f"-env:UserInstallation={profile.resolve().as_uri()}",
    ]  # fmt: skip
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "pdf", "--outdir", str(outdir), str(src.resolve())]
    proc = subprocess.Popen(
        cmd,
        env=office_env(profile),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stderr = proc.communicate(timeout=timeout)[1]
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        shutil.rmtree(outdir, ignore_errors=True)
        raise StepTimeout(_("LibreOffice 转换"), timeout) from exc
    produced = outdir / (src.stem + ".pdf")
    try:
        # soffice exits 0 even when it converted nothing: the file is the only proof.
        if not produced.exists() or produced.stat().st_size == 0:
            detail = stderr.decode(errors="replace").strip()[-500:]
            # "Error: source file could not be loaded" is the file; anything else, LibreOffice.
            loaded = "could not be loaded" not in detail
            raise ConversionError(
                crashed_message() if loaded and proc.returncode else cannot_load_message(),
                permanent=not (loaded and proc.returncode),
                detail=f"soffice exit {proc.returncode}: {detail}",
            )
        produced.replace(dst)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return dst


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1][:200] if text else type(exc).__name__
