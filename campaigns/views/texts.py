from django.http import HttpResponse


def campaign_texts(request, *args, **kwargs):
    return HttpResponse(status=501)


def text_approve(request, *args, **kwargs):
    return HttpResponse(status=501)


def text_withdraw(request, *args, **kwargs):
    return HttpResponse(status=501)

