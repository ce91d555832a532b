from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from . import services
from .bans import active_ban, ban_message
from .models import User


class RegisterForm(UserCreationForm):
    email = forms.EmailField(
        label=_("电子邮箱"), help_text=_("用于找回密码，不会公开。"), required=True
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("该邮箱已被注册。"))
        return email


class LoginForm(AuthenticationForm):
    """Django's login form, which first says plainly when too many attempts were made."""

    def clean(self):
        username = self.data.get("username", "")
        blocked = services.login_blocked(
            username,
            services.client_ip(self.request),
            known_device=services.known_device(self.request, username),
        )
        if blocked:
            raise forms.ValidationError(blocked, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            # Say why a correct password was refused: the account is banned.
            user = User.objects.filter(username=username).first()
            ban = active_ban(user, "login") if user else None
            if ban and user.check_password(self.data.get("password", "")):
                raise forms.ValidationError(ban_message(ban), code="banned") from None
            raise


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "email"]
        labels = {"first_name": _("昵称")}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("该邮箱已被其他账号使用。"))
        return email

    def save(self, commit: bool = True) -> User:
        if "email" in self.changed_data:
            # A new address is not the one that was verified.
            self.instance.email_verified = False
        return super().save(commit)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, which mails an account at most `password_reset_per_account` times an
    hour, silently: the page says the same whether or not a mail went out."""

    def get_users(self, email):
        for user in super().get_users(email):
            if services.reset_mail_allowed(user):
                yield user
