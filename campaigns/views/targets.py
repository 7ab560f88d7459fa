from django.http import HttpResponse


def target_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def target_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def target_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def target_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def stance_assess(request, *args, **kwargs):
    return HttpResponse(status=501)


def target_organisation_set(request, *args, **kwargs):
    return HttpResponse(status=501)


def target_organisation_remove(request, *args, **kwargs):
    return HttpResponse(status=501)


def power_map(request, *args, **kwargs):
    return HttpResponse(status=501)

