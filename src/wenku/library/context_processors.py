import datetime as dt

from wenku.moderation.models import SiteSettings


def site(request):
    settings = SiteSettings.current()
    return {
        "site": settings,
        "site_name": settings.site_name,
        "current_year": dt.date.today().year,
    }
