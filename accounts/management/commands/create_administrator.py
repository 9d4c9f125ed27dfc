"""Create an administrator: configures the service in /admin/, reads no case record.

Use this instead of `createsuperuser` when setting a service up. (A superuser made anyway
reads no case record either: accounts.permissions.)
"""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create


class Command(BaseCommand):
    help = "Create an administrator (Django admin, no case data). Prompts for the password."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of prompting.",
        )

    def handle(self, *args, **options):
        import os

        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"A user called {options['username']} already exists.")
        if options["password_from_env"]:
            password = os.environ.get(options["password_from_env"], "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        candidate = User(username=options["username"], email=options["email"])
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = user_create(
            username=options["username"],
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            roles=[Role.ADMINISTRATOR],
            by=None,
            reason="Administrator created with manage.py create_administrator",
        )
        self.stdout.write(f"Administrator {user.username} created.")
