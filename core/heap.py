"""The web process's start-up heap, kept out of Python's full garbage collections.

A web worker holds a few hundred thousand objects from start-up (Django, the apps' modules,
URL patterns, settings) that live as long as the process. Python's full collection (its
oldest generation) walks every one of them, once in about a hundred requests: over two rounds
of every staff page on the full-size council, 208,000 objects tracked, the longest pause 65
ms; frozen, 44,000 tracked and 19 ms (benchmarks/README.md, "Session 15"). A request that
meets one is that much slower, whatever page it is. `gc.freeze()` moves what exists after start-up into a
permanent generation that collections skip; objects made afterwards are collected as before.
Start-up objects that would later become garbage are never freed, which is why it is done
once, after a collection, when what is left is the process's for good.
"""

import gc


def freeze_after_start() -> None:
    """Collect once, then keep every object that is left out of later collections (called
    once per process, after the application is loaded: contact_service.wsgi)."""
    from django.urls import get_resolver

    # Every view module, imported now (Django imports them on the first request otherwise),
    # so that they are start-up objects too.
    get_resolver().url_patterns  # noqa: B018 - imported for its effect
    gc.collect()
    gc.freeze()
