"""The home page and the category pages."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from wenku.library.models import Category, Document, Format
from wenku.library.pagecache import cached_for_anonymous
from wenku.web.related import LIST_FIELDS

SORTS = {
    "latest": ("-created_at", _("最新")),
    "downloads": ("-download_count", _("下载最多")),
    "views": ("-view_count", _("浏览最多")),
    "pages": ("-page_count", _("页数最多")),
}
PER_PAGE = 20


def _listing(queryset):
    return queryset.select_related("category").only(*LIST_FIELDS, "category__name", "price")


def _roots():
    """The top categories with their subcategories, each with its count of public documents
    (its whole subtree)."""
    counts = Category.public_counts()
    roots = list(Category.objects.filter(parent=None).prefetch_related("children"))
    for node in roots:
        node.docs = counts.get(node.pk, 0)
        for child in node.children.all():
            child.docs = counts.get(child.pk, 0)
    return roots


@cached_for_anonymous
def home(request: HttpRequest) -> HttpResponse:
    public = Document.objects.public()
    return render(
        request,
        "library/home.html",
        {
            "categories": _roots(),
            "latest": _listing(public.order_by("-created_at"))[:12],
            "most_downloaded": _listing(public.order_by("-download_count", "-created_at"))[:12],
            "recommended": _listing(public.filter(recommended=True).order_by("-created_at"))[:12],
        },
    )


@cached_for_anonymous
def category(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_object_or_404(Category.objects.select_related("parent__parent"), pk=pk)
    # A category lists its own documents and those of its sub-categories (two levels down).
    ids = [node.pk]
    children = list(node.children.all())
    ids += [c.pk for c in children]
    ids += list(Category.objects.filter(parent__in=children).values_list("pk", flat=True))
    queryset = Document.objects.public().filter(category__in=ids)

    sort = request.GET.get("sort", "latest")
    if sort not in SORTS:
        sort = "latest"
    fmt = request.GET.get("format", "")
    if fmt in Format.values:
        queryset = queryset.filter(format=fmt)
    else:
        fmt = ""
    page = Paginator(_listing(queryset.order_by(SORTS[sort][0], "-pk")), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "library/category.html",
        {
            "category": node,
            "children": children,
            "page": page,
            "sort": sort,
            "sorts": [(key, label) for key, (_, label) in SORTS.items()],
            "format": fmt,
            "formats": Format.choices,
        },
    )
