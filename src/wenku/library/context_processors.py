from wenku.config import CONFIG


def site(request):
    return {"site_name": CONFIG.site_name}
