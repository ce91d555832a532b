"""`/me/notices/`: the list (opening it marks nothing read), opening one notice (marks it read
and goes where it points), marking all read, and the e-mail choice per kind."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenku.accounts.views.me import page_of, render_tab

from . import services
from .models import Notice


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    return render_tab(
        request,
        "notices",
        template="notices/list.html",
        page=page_of(request, services.notices_for(request.user)),
    )


@login_required
def open_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = services.notice_of(request.user, notice_id)
    if notice is None:  # another user's notice is as missing as one that never was
        raise Http404
    services.mark_read(request.user, [notice.pk])
    # Only a path of this site: never another site, never a javascript: URL.
    safe = notice.url and url_has_allowed_host_and_scheme(notice.url, {request.get_host()})
    return redirect(notice.url if safe else "notices:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    n = services.mark_read(request.user)
    if n:
        messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    return redirect("notices:list")


class EmailForm(forms.Form):
    """One checkbox per kind of notice: also send it by e-mail."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Notice.Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False)

    def chosen(self) -> set[str]:
        return {kind for kind, on in self.cleaned_data.items() if on}


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            services.set_email_kinds(request.user, form.chosen())
            messages.success(request, _("通知设置已保存。"))
            return redirect("notices:settings")
    else:
        mine = services.email_kinds(request.user)
        form = EmailForm(initial={kind: kind in mine for kind in Notice.Kind.values})
    return render_tab(request, "notices", template="notices/settings.html", form=form)
