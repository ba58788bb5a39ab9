from django.http import HttpRequest, HttpResponse

from casegrip.web.sections import render_section


def index(request: HttpRequest) -> HttpResponse:
    return render_section(request, "improvement")
