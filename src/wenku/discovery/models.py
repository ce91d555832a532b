"""What discovery keeps per document: keywords, a MinHash signature, its LSH bands, and the
near-duplicate match found when it was published."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenku.library.models import Document


class DocumentKeyword(models.Model):
    """One keyword of a document; `rank` 0 is the strongest. Uploader tags come first."""

    class Source(models.TextChoices):
        TAG = "tag", _("上传者标签")
        TEXT = "text", _("正文")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="keywords")
    word = models.CharField(_("关键词"), max_length=50)
    weight = models.FloatField(_("权重"))
    rank = models.PositiveSmallIntegerField(_("排名"))
    source = models.CharField(max_length=4, choices=Source.choices)

    class Meta:
        ordering = ["document", "rank"]
        verbose_name = _("关键词")
        verbose_name_plural = _("关键词")
        constraints = [
            models.UniqueConstraint(fields=["document", "word"], name="keyword_unique_word")
        ]
        indexes = [models.Index(fields=["word"])]

    def __str__(self) -> str:
        return self.word


class Signature(models.Model):
    """The MinHash signature of a published document's text (uint32 values, little-endian).

    Only signatures made the current way (`minhash.SCHEME` shingles, `minhash.NUM_PERM`
    permutations) are compared; `discovery_reindex` recomputes the others.
    """

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    num_perm = models.PositiveSmallIntegerField()
    # Rows from before the field existed were made with scheme 1 (letters and letter pairs).
    scheme = models.PositiveSmallIntegerField()
    values = models.BinaryField()
    shingle_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("文本指纹")
        verbose_name_plural = _("文本指纹")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.num_perm} values, scheme {self.scheme}"


class LshBand(models.Model):
    """One LSH band of a signature: documents sharing (band, hash) are candidate duplicates."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lsh_bands")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "hash"], name="lshband_band_hash")]
        constraints = [
            models.UniqueConstraint(fields=["document", "band"], name="lshband_unique_band")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}[{self.band}]={self.hash}"


class NearDuplicate(models.Model):
    """A document found, when published, to be a near-copy of an earlier published one."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, related_name="near_duplicate_match"
    )
    original = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="near_duplicate_copies"
    )
    similarity = models.FloatField(_("相似度（Jaccard 估计）"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("疑似重复文档")
        verbose_name_plural = _("疑似重复文档")

    def __str__(self) -> str:
        return f"{self.document_id} ≈ {self.original_id} ({self.similarity:.2f})"
