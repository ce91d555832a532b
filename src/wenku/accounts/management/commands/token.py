from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wenku.accounts.models import ApiToken


class Command(BaseCommand):
    help = "为用户创建 API 令牌（只显示一次）。Create an API token for a user."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户 {username} 不存在。") from None
        _, raw = ApiToken.issue(user, name)
        self.stdout.write(raw)
