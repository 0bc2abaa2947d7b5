from django.http import HttpRequest


def person(request: HttpRequest) -> dict:
    return {"person": getattr(request, "person", None)}
