from django.utils import timezone

from wenku.site.models import SiteSettings


def site(request):
    settings = SiteSettings.current()
    return {
        "site": settings,
        "site_name": settings.site_name,
        # The site's year, not the process's: it turns at midnight in the site's time zone.
        "current_year": timezone.localdate().year,
    }
