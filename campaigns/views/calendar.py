from django.http import HttpResponse


def calendar_settings(request, *args, **kwargs):
    return HttpResponse(status=501)


def calendar_feed(request, *args, **kwargs):
    return HttpResponse(status=501)

