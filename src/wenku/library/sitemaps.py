"""sitemap.xml: an index of chunks of at most 10,000 document URLs, with real lastmod."""

from django.contrib.sitemaps import Sitemap

from .models import Category, Document


class DocumentSitemap(Sitemap):
    limit = 10_000
    changefreq = "monthly"

    def items(self):
        return Document.objects.public().order_by("pk").only("number", "updated_at", "converted_at")

    def lastmod(self, document: Document):
        return document.updated_at


class CategorySitemap(Sitemap):
    limit = 10_000
    changefreq = "daily"

    def items(self):
        return Category.objects.order_by("pk")


SITEMAPS = {"documents": DocumentSitemap, "categories": CategorySitemap}
