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
from django.views.decorators.http import require_POST

from wenku.site.models import SiteSettings

from .. import services
from ..forms import LoginForm, ProfileForm, RegisterForm, ThrottledPasswordResetForm


@sensitive_post_parameters("password1", "password2")
def register(request: HttpRequest) -> HttpResponse:
    site = SiteSettings.current()
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and site.registration_open and form.is_valid():
        try:
            user = services.register(
                form.cleaned_data["username"],
                form.cleaned_data["email"],
                form.cleaned_data["password1"],
                request=request,
            )
        except services.AccountError as exc:
            form.add_error(None, exc.message)
            status = 429 if exc.code == "throttled" else 200
        else:
            login(request, user, backend="wenku.accounts.auth.ThrottledBackend")
            if site.register_bonus and site.register_bonus_after_verification:
                messages.success(
                    request,
                    _("注册成功，欢迎！验证邮箱后即赠送 %(n)s 积分。") % {"n": site.register_bonus},
                )
            elif site.register_bonus:
                messages.success(
                    request, _("注册成功，欢迎！已赠送 %(n)s 积分。") % {"n": site.register_bonus}
                )
            else:
                messages.success(request, _("注册成功，欢迎！"))
            messages.info(
                request,
                _("请查收发到 %(email)s 的验证邮件；如未收到，可在“我的”页面重新发送。")
                % {"email": user.email},
            )
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse_lazy("web:me")
            return redirect(target)
    return render(
        request,
        "accounts/register.html",
        {"form": form, "closed": not site.registration_open, "next": request.GET.get("next", "")},
        status=status,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the verification mail; opening it again changes nothing."""
    try:
        _user, paid = services.verify_email(token)
    except services.AccountError as exc:
        context = {"heading": _("邮箱验证失败"), "text": exc.message}
        return render(request, "accounts/message.html", context, status=400)
    text = _("您的邮箱已验证。")
    if paid:
        text += _("已赠送注册奖励 %(n)s 积分。") % {"n": paid}
    return render(request, "accounts/message.html", {"heading": _("邮箱已验证"), "text": text})


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, _("您的邮箱已经验证过了。"))
    elif not request.user.email:
        messages.error(request, _("请先在个人资料中填写电子邮箱。"))
    elif services.send_verification(request.user, request):
        messages.success(
            request, _("验证邮件已发送到 %(email)s，请查收。") % {"email": request.user.email}
        )
    else:
        messages.error(request, _("验证邮件发送过于频繁，请稍后再试。"))
    return redirect("web:me")


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
        "text": gettext_lazy("您的密码已修改成功，之前签发的 API 令牌已全部失效。"),
    },
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with the per-address limit; the per-account limit is in the form."""

    form_class = ThrottledPasswordResetForm

    def form_valid(self, form):
        refusal = services.reset_request_refusal(services.client_ip(self.request))
        if refusal:
            form.add_error(None, refusal)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
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
        "text": gettext_lazy("密码已重设，请用新密码登录。之前签发的 API 令牌已全部失效。"),
        "login": True,
    },
)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("资料已保存。"))
        if "email" in form.changed_data and services.send_verification(user, request):
            messages.info(
                request,
                _("验证邮件已发送到 %(email)s，请点击邮件中的链接验证邮箱。")
                % {"email": user.email},
            )
        return redirect("accounts:profile")
    return render(
        request,
        _form,
        {"form": form, "heading": _("个人资料"), "submit": _("保存"), "profile": True},
    )
