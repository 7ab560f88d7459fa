from django.http import HttpResponse


def plan_board(request, *args, **kwargs):
    return HttpResponse(status=501)


def plan_csv(request, *args, **kwargs):
    return HttpResponse(status=501)


def task_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def task_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def task_status(request, *args, **kwargs):
    return HttpResponse(status=501)


def task_complete(request, *args, **kwargs):
    return HttpResponse(status=501)

