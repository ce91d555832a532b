"""What search engines read: JSON-LD for a document page."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe


def _json(data: dict) -> SafeString:
    # "<" escaped so that a title such as "</script>" cannot end the script element.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(text)  # noqa: S308 - escaped above


def document_json_ld(
    request, document, description: str, crumbs: list[tuple[str, str]]
) -> tuple[SafeString, SafeString]:
    url = request.build_absolute_uri(document.get_absolute_url())
    doc = {
        "@context": "https://schema.org",
        "@type": "DigitalDocument",
        "name": document.title,
        "url": url,
        "identifier": str(document.number),
        "description": description,
        "encodingFormat": document.format.upper(),
        "numberOfPages": document.page_count,
        "dateCreated": document.created_at.isoformat(),
        "dateModified": (document.converted_at or document.updated_at).isoformat(),
        "inLanguage": "zh-CN",
        "keywords": ",".join(t.name for t in document.tag_list),
    }
    if document.rating_count:
        doc["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": document.rating_average,
            "ratingCount": document.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if document.preview_page_count:
        doc["thumbnailUrl"] = request.build_absolute_uri(
            f"{document.get_absolute_url()}page/1.webp"
        )
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "name": name,
                "item": request.build_absolute_uri(link),
            }
            for i, (name, link) in enumerate(crumbs, start=1)
        ],
    }
    return _json(doc), _json(breadcrumbs)
