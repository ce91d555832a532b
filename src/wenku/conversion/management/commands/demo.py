"""`wenku demo`: an admin account and a small demo library, built by Wenku's own code."""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from tqdm import tqdm

from wenku.conversion.ingest import Duplicate, IngestError, Metadata, ingest
from wenku.conversion.worker import Supervisor, workers_running
from wenku.library.models import Document
from wenku.samples.epub import make_epub
from wenku.samples.office import make_csv, make_docx, make_pptx, make_txt, make_xlsx
from wenku.samples.pdf import make_pdf
from wenku.samples.text import chinese_paragraphs, english_paragraphs


def build_demo_files(folder: Path) -> list[tuple[Path, Metadata]]:
    """The demo set: several formats and categories, Chinese and English, one of 36 pages."""
    folder.mkdir(parents=True, exist_ok=True)
    zh = chinese_paragraphs
    en = english_paragraphs
    files = [
        (
            make_docx(
                folder / "土地利用规划批复报告.docx",
                title="关于土地利用总体规划调整的批复",
                paragraphs=zh(12, seed=1),
                pages=5,
                with_table=True,
            ),
            Metadata(
                title="关于土地利用总体规划调整的批复",
                category="政务公文/批复",
                tags=["土地", "批复", "规划"],
                description="某市土地利用总体规划调整方案的批复文件。",
            ),
        ),
        (
            make_docx(
                folder / "溅射靶材行业研究报告.docx",
                title="溅射靶材行业研究报告",
                paragraphs=zh(80, seed=2),
                pages=36,
                with_image=True,
            ),
            Metadata(
                title="溅射靶材行业研究报告（全文36页）",
                category="行业资料/研究报告",
                tags=["溅射靶材", "新材料", "行业研究"],
                price=5,
                description="溅射靶材的市场、工艺与企业分析，共 36 页。",
            ),
        ),
        (
            make_pptx(folder / "项目汇报.pptx", title="新材料产业园项目汇报", slides=8, seed=3),
            Metadata(
                title="新材料产业园项目汇报", category="行业资料/演示文稿", tags=["项目", "汇报"]
            ),
        ),
        (
            make_xlsx(folder / "用地统计表.xlsx", rows=60, seed=4),
            Metadata(
                title="各乡镇建设用地统计表", category="政务公文/统计报表", tags=["统计", "亩"]
            ),
        ),
        (
            make_pdf(
                folder / "职业资格考试复习资料.pdf", title="职业资格考试复习资料", pages=12, seed=5
            ),
            Metadata(
                title="职业资格考试复习资料", category="资格与职业考试/其它", tags=["考试", "复习"]
            ),
        ),
        (
            make_csv(folder / "招生计划.csv", rows=40, seed=6),
            Metadata(title="2026年招生计划一览表", category="教育/招生", tags=["招生"]),
        ),
        (
            make_txt(folder / "读书笔记.txt", zh(10, seed=7)),
            Metadata(title="读书笔记（纯文本）", category="教育/读书", tags=["笔记"]),
        ),
        (
            make_docx(
                folder / "sputtering-targets.docx",
                title="Sputtering Targets: A Primer",
                paragraphs=en(12, seed=8),
                pages=4,
                font="Times New Roman",
                heading_font="Arial",
            ),
            Metadata(
                title="Sputtering Targets: A Primer",
                category="Industry/Reports",
                tags=["sputtering target", "materials"],
            ),
        ),
        (
            make_epub(
                folder / "新材料简史.epub",
                title="新材料简史",
                chapters=[(f"第{i}章", zh(4, seed=20 + i)) for i in range(1, 4)],
            ),
            Metadata(title="新材料简史（电子书）", category="教育/读书", tags=["电子书", "新材料"]),
        ),
    ]
    return files


class Command(BaseCommand):
    help = "创建管理员账户和演示文库（幂等）。Create the admin login and a demo library."

    def add_arguments(self, parser):
        parser.add_argument("--no-wait", action="store_true", help="do not wait for conversion")

    def handle(self, *args, no_wait: bool, **options):
        admin, password = self._admin()
        folder = Path(settings.DATA_DIR) / "demo"
        queued = []
        for path, meta in build_demo_files(folder):
            try:
                queued.append(ingest(path, path.name, admin, meta))
            except Duplicate:
                pass
            except IngestError as exc:
                self.stderr.write(f"{path.name}: {exc.message}")
        pending = Document.objects.exclude(status__in=["ready", "failed"])
        if pending.exists() and not no_wait:
            self._wait()
        failed = Document.objects.filter(status="failed")
        for doc in failed:
            self.stderr.write(f"转换失败：{doc.title}：{doc.error}")
        # Moderators' picks for the home page: the first three published documents.
        picks = Document.objects.public().order_by("created_at").values_list("pk", flat=True)[:3]
        Document.objects.filter(pk__in=list(picks)).update(recommended=True)
        total = Document.objects.count()
        self.stdout.write(f"演示文库：{total} 篇文档（本次新增 {len(queued)} 篇）")
        self.stdout.write(f"管理员登录：用户名 {admin.username}  密码 {password}")

    def _admin(self):
        User = get_user_model()
        secret = Path(settings.DATA_DIR) / "admin-password"
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            password = secrets.token_urlsafe(9)
            admin = User.objects.create_superuser("admin", "admin@example.com", password)
            secret.write_text(password)
            secret.chmod(0o600)
        password = secret.read_text().strip() if secret.exists() else "（已由管理员修改）"
        return admin, password

    def _wait(self):

        supervisor = None if workers_running() else Supervisor(2)
        if supervisor:
            supervisor.start()
        todo = Document.objects.exclude(status__in=["ready", "failed"])
        total = todo.count()
        bar = tqdm(total=total, desc="转换演示文档", unit="个")
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                left = todo.count()
                bar.n = total - left
                bar.refresh()
                if not left:
                    break
                if supervisor:
                    supervisor.check()
                time.sleep(0.3)
        finally:
            bar.close()
            if supervisor:
                supervisor.stop()
