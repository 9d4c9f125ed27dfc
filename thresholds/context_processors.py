"""The running council's own name for its service, for the page header."""

from django.http import HttpRequest

from .selectors import service_name


def service(request: HttpRequest) -> dict:
    return {"service_name": service_name()}
