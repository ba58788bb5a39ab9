"""Keep child-level values out of application logs.

Django logs the path of every refused or missing page, and a path can hold a child's id. This
filter replaces such a path with the route it matched (``/children/<str:child_id>/``).
"""

import logging

from django.urls import Resolver404, resolve


def route_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return "<unmatched path>"
    except Exception:  # a log filter must never break logging
        return "<path>"
    return "/" + match.route if match.route else "<path>"


class RedactRequestPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            record.args = tuple(
                route_of(path) if isinstance(a, str) and path in a else a for a in record.args
            )
        return True
