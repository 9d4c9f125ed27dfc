"""The form renderer the test suite runs under: the service's fast renderer, checked.

Every widget rendered anywhere in the suite (view tests, browser tests through the live
server, form tests) is rendered twice, by ``core.form_renderer.FastDjangoTemplates`` and
by Django's own templates, and any difference fails the request loudly: so the fast
path is compared on every form, bound and unbound, valid and not, that the suite shows.
"""

from django.forms.renderers import DjangoTemplates

from core.form_renderer import WRITTEN_TEMPLATES, FastDjangoTemplates


class FastPathDiffers(AssertionError):
    pass


class CheckedFastDjangoTemplates(FastDjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = super().render(template_name, context, request=request)
        if template_name not in WRITTEN_TEMPLATES:
            # Django's templates rendered it: once is enough, and some (crispy-forms-gds's date
            # widget) change their context as they render, so a second rendering would differ.
            return fast
        django = DjangoTemplates.render(self, template_name, context, request=request)
        if fast != django:
            raise FastPathDiffers(
                f"{template_name}: the fast path wrote\n{fast!r}\nDjango's template wrote\n{django!r}"
            )
        return fast
