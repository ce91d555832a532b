"""URL path converters of the site, registered when this module is imported (by wenku.urls).

`<id:…>` is Django's `<int:…>` bounded to 18 digits: a number past the database's 64-bit
integers (`/doc/9223372036854775808/`) is not a route (404) instead of an overflow (500).
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
