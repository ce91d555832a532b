import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wenku.site.models import SiteSettings


class Category(models.Model):
    """A node of the category tree (父类 > 子类)."""

    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("分类")
        verbose_name_plural = _("分类")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="category_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.path

    def get_absolute_url(self) -> str:
        return reverse("web:category", args=[self.pk])

    @classmethod
    def public_counts(cls) -> dict[int, int]:
        """Public documents per category, each counting its whole subtree (a parent whose
        documents are all in its subcategories is not empty)."""
        parents = dict(cls.objects.values_list("pk", "parent_id"))
        counts = dict.fromkeys(parents, 0)
        direct = (
            Document.objects.public()
            .exclude(category=None)
            .values_list("category_id")
            .annotate(n=models.Count("pk"))
        )
        for pk, n in direct:
            seen: set[int] = set()
            while pk is not None and pk not in seen:  # `seen`: a cycle made in the database ends
                seen.add(pk)
                counts[pk] = counts.get(pk, 0) + n
                pk = parents.get(pk)
        return counts

    @property
    def ancestors(self) -> list["Category"]:
        """The chain from the root down to this category."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def path(self) -> str:
        return "/".join(c.name for c in self.ancestors)

    @staticmethod
    def path_names(path: str) -> list[str]:
        """The names of "父类/子类", checked (raises ValueError with a message for a user)."""
        names = [part.strip() for part in path.split("/") if part.strip()]
        if not names:
            raise ValueError(gettext("分类路径为空"))
        for name in names:
            if len(name) > 100:
                raise ValueError(gettext("分类名称过长：%(name)s…") % {"name": name[:20]})
        return names

    @classmethod
    def find_path(cls, path: str) -> "Category | None":
        """The existing category "父类/子类", or None; creates nothing."""
        parent = None
        for name in cls.path_names(path):
            parent = cls.objects.filter(parent=parent, name=name).first()
            if parent is None:
                return None
        return parent

    @classmethod
    def from_path(cls, path: str) -> "Category":
        """Find or create the category "父类/子类", creating missing levels (staff only: callers
        check who asks)."""
        parent = None
        for name in cls.path_names(path):
            try:
                with transaction.atomic():
                    parent, _ = cls.objects.get_or_create(parent=parent, name=name)
            except IntegrityError:  # created concurrently
                parent = cls.objects.get(parent=parent, name=name)
        return parent


class Tag(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def __str__(self) -> str:
        return self.name


class Format(models.TextChoices):
    """Formats Wenku accepts, detected from a file's content."""

    DOCX = "docx", "DOCX"
    DOC = "doc", "DOC"
    ODT = "odt", "ODT"
    RTF = "rtf", "RTF"
    TXT = "txt", "TXT"
    PPTX = "pptx", "PPTX"
    PPT = "ppt", "PPT"
    ODP = "odp", "ODP"
    XLSX = "xlsx", "XLSX"
    XLS = "xls", "XLS"
    ODS = "ods", "ODS"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"
    EPUB = "epub", "EPUB"
    # China's fixed-layout format (GB/T 33190): government documents, e-invoices.
    OFD = "ofd", "OFD"
    # Images uploaded as documents (scans): each image a page, its text recognised (OCR).
    JPG = "jpg", "JPG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"


def new_public_number() -> int:
    # Random rather than sequential, so that document numbers do not reveal the library's size
    # and cannot be walked.
    return 100_000_000 + secrets.randbelow(900_000_000)


def published_q(prefix: str = "") -> Q:
    """Converted and let through by moderation (public, unlisted or private); `prefix` is the
    path to the document from another model, e.g. "document__"."""
    return Q(**{f"{prefix}status": Document.Status.READY,
                f"{prefix}review__in": Document.Review.PASSED})  # fmt: skip


def public_q(prefix: str = "") -> Q:
    """The one definition of a public document: published and listed for everyone. Home,
    categories, search, the sitemap and every related list use it (the search index's SQL
    repeats it in `wenku.search.index`)."""
    return published_q(prefix) & Q(**{f"{prefix}visibility": Document.Visibility.PUBLIC})


class DocumentQuerySet(models.QuerySet):
    def published(self) -> "DocumentQuerySet":
        return self.filter(published_q())

    def public(self) -> "DocumentQuerySet":
        return self.filter(public_q())


class Document(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CONVERTING = "converting", _("转换中")
        READY = "ready", _("已就绪")
        FAILED = "failed", _("转换失败")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开")
        UNLISTED = "unlisted", _("仅链接可见")
        PRIVATE = "private", _("私有")

    class Review(models.TextChoices):
        NOT_REQUIRED = "auto", _("无需审核")
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("审核未通过")
        HIDDEN = "hidden", _("已屏蔽")

    Review.PASSED = (Review.NOT_REQUIRED, Review.APPROVED)

    number = models.BigIntegerField(
        _("文档编号"), unique=True, default=new_public_number, editable=False
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents", verbose_name=_("标签"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("分类"),
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("上传人"),
    )
    original_filename = models.CharField(_("原文件名"), max_length=255)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    size = models.BigIntegerField(_("大小（字节）"))
    # The encoding a text upload (TXT, CSV) was read in, as detected from its bytes.
    text_encoding = models.CharField(_("文本编码"), max_length=20, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    original = models.FileField(_("原文件"), max_length=255)
    pdf = models.FileField(_("PDF 版本"), max_length=255, blank=True)
    page_count = models.PositiveIntegerField(_("页数"), default=0)
    preview_page_count = models.PositiveIntegerField(_("可预览页数"), default=0)
    preview_limit = models.PositiveIntegerField(
        _("预览页数上限"),
        null=True,
        blank=True,
        help_text=_("留空则使用站点默认值"),
    )
    price = models.PositiveIntegerField(_("价格（积分）"), default=0)
    visibility = models.CharField(
        _("可见性"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    # Written only by wenku.conversion.runner (its lease protocol), and `review` only by
    # wenku.library.publication: one owner for each state.
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Moderation: whether the converted document may be shown, and why not.
    review = models.CharField(
        _("审核"), max_length=10, choices=Review.choices, default=Review.NOT_REQUIRED, db_index=True
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    # Why it waits for review: matched sensitive words, the original it nearly duplicates, ...
    review_flags = models.JSONField(_("审核提示"), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("转换进度"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("转换次数"), default=0)
    # `error` is a sentence for the uploader; `error_detail` what the tools said, for staff only.
    error = models.TextField(_("错误信息"), blank=True)
    error_detail = models.TextField(_("错误详情（仅管理员可见）"), blank=True)
    # Who is converting the document, and until when that claim holds without a heartbeat.
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    recommended = models.BooleanField(
        _("编辑推荐"), default=False, db_index=True, help_text=_("显示在首页的“编辑推荐”中")
    )
    # Counters kept on the row (updated with F() next to the rows they count) so that lists and
    # the document page sort and show them without aggregating.
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    download_count = models.PositiveIntegerField(_("下载次数"), default=0)
    favorite_count = models.PositiveIntegerField(_("收藏次数"), default=0)
    # Kept by wenku.community.ratings: the number of ratings and the sum of their stars.
    rating_count = models.PositiveIntegerField(_("评分人数"), default=0)
    rating_sum = models.PositiveIntegerField(_("评分总和"), default=0)

    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    converted_at = models.DateTimeField(_("转换完成时间"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("文档")
        verbose_name_plural = _("文档")
        indexes = [models.Index(fields=["status", "lease_expires_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:document", args=[self.number])

    def is_owned_by(self, user) -> bool:
        """The uploader and the site's staff see and download it whatever its state."""
        return bool(
            getattr(user, "is_authenticated", False)
            and (user.pk == self.uploader_id or user.is_staff)
        )

    @property
    def is_published(self) -> bool:
        """Converted and let through by moderation."""
        return self.is_ready and self.review in self.Review.PASSED

    def visible_to(self, user) -> bool:
        """Whether `user` may open the document's page: anyone once it is published (unlisted
        ones by link), only its owners before that, while held by moderation, or when private."""
        if self.is_owned_by(user):
            return True
        return self.is_published and self.visibility != self.Visibility.PRIVATE

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def extension(self) -> str:
        return self.format.upper()

    def effective_preview_limit(self) -> int:
        """How many pages may ever be shown: the document's own limit or the site default."""
        if self.preview_limit is not None:
            return self.preview_limit
        pages, percent = SiteSettings.current().preview_defaults()
        limit = pages
        if self.page_count and percent < 100:
            limit = min(limit, max(1, self.page_count * percent // 100))
        return limit


class Page(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("页码"))
    text = models.TextField(_("文本"), blank=True)

    class TextSource(models.TextChoices):
        LAYER = "layer", _("文字层")
        OCR = "ocr", _("文字识别")

    # Where `text` came from: the PDF's text layer, or recognised from the page image (OCR).
    text_source = models.CharField(
        _("文本来源"), max_length=5, choices=TextSource.choices, default=TextSource.LAYER
    )
    image = models.FileField(_("预览图"), max_length=255, blank=True)
    width_pt = models.FloatField(_("宽（磅）"), default=0)
    height_pt = models.FloatField(_("高（磅）"), default=0)
    image_width = models.PositiveIntegerField(default=0)
    image_height = models.PositiveIntegerField(default=0)
    image_bytes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("页面")
        verbose_name_plural = _("页面")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="page_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.number}"


class Purchase(models.Model):
    """A paid document bought once by a user; later downloads are free."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="purchases")
    price = models.PositiveIntegerField(_("价格（积分）"))
    created_at = models.DateTimeField(_("购买时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("购买记录")
        verbose_name_plural = _("购买记录")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="purchase_once")]

    def __str__(self) -> str:
        return f"{self.user} bought {self.document_id}"


class Download(models.Model):
    """One download, counted against the daily limits and shown in the reader's history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    ip = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=8, default="original")  # "original" or "pdf"
    points = models.PositiveIntegerField(_("花费积分"), default=0)
    created_at = models.DateTimeField(_("下载时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.ip} {self.document_id}"


class DocumentView(models.Model):
    """A visitor's view of a document on a day; the view counter counts these, once each."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # The user's id, or a hash of the session or of address and browser for anonymous visitors.
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "visitor", "day"], name="one_view_per_visitor_day"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.document_id} {self.visitor} {self.day}"
