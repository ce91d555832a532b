"""Register, log in and out, change and reset the password, edit the profile."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from wenku.moderation.models import SiteSettings

from .. import services
from ..forms import LoginForm, ProfileForm, RegisterForm


@sensitive_post_parameters("password1", "password2")
def register(request: HttpRequest) -> HttpResponse:
    site = SiteSettings.current()
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and site.registration_open and form.is_valid():
        try:
            user = services.register(
                form.cleaned_data["username"],
                form.cleaned_data["email"],
                form.cleaned_data["password1"],
            )
        except services.AccountError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="wenku.accounts.auth.ThrottledBackend")
            if site.register_bonus:
                messages.success(
                    request, _("注册成功，欢迎！已赠送 %(n)s 积分。") % {"n": site.register_bonus}
                )
            else:
                messages.success(request, _("注册成功，欢迎！"))
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse_lazy("accounts:me")
            return redirect(target)
    return render(
        request,
        "accounts/register.html",
        {"form": form, "closed": not site.registration_open, "next": request.GET.get("next", "")},
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


logout = auth_views.LogoutView.as_view()

_form = "accounts/form.html"
password_change = auth_views.PasswordChangeView.as_view(
    template_name=_form,
    success_url=reverse_lazy("accounts:password_change_done"),
    extra_context={"heading": gettext_lazy("修改密码"), "submit": gettext_lazy("保存新密码")},
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "heading": gettext_lazy("密码已修改"),
        "text": gettext_lazy("您的密码已修改成功。"),
    },
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name=_form,
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
    extra_context={
        "heading": gettext_lazy("找回密码"),
        "submit": gettext_lazy("发送重设邮件"),
        "intro": gettext_lazy("请输入注册时使用的电子邮箱，我们会发送一个重设密码的链接。"),
    },
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "heading": gettext_lazy("邮件已发送"),
        "text": gettext_lazy("如果该邮箱已注册，重设密码的链接已发送到该邮箱，请查收。"),
    },
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name=_form,
    success_url=reverse_lazy("accounts:password_reset_complete"),
    extra_context={"heading": gettext_lazy("设置新密码"), "submit": gettext_lazy("保存新密码")},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "heading": gettext_lazy("密码已重设"),
        "text": gettext_lazy("密码已重设，请用新密码登录。"),
        "login": True,
    },
)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("资料已保存。"))
        return redirect("accounts:profile")
    return render(
        request,
        _form,
        {"form": form, "heading": _("个人资料"), "submit": _("保存"), "profile": True},
    )
