import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

# The demo's submissions and reviews notify demo addresses that do not exist: while loading,
# those messages are kept in memory instead of printed (console backend) or sent.
QUIET_MAIL = "django.core.mail.backends.locmem.EmailBackend"

DEMO_APPS = ["portal", "indicators", "meetings", "forum"]


class Command(BaseCommand):
    help = "Load the demo organisations, logins and content of every app (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: object, **options: object) -> None:
        logins = []
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with override_settings(EMAIL_BACKEND=QUIET_MAIL):
                result = module.demo_load()
            if app == "portal":
                logins = result
        if options["quiet_logins"]:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {settings.PORTAL_DEMO_PASSWORD})")
        )
        for login in logins:
            self.stdout.write(f"  {login.email:<34} {login.role:<22} {login.organisation}")
