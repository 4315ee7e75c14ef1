"""Bearer-token authentication for the peer.

django-scim2 authenticates nothing itself: it only requires request.user.is_authenticated.
A request carrying "Authorization: Bearer $SCIM_TOKEN" is given an in-memory principal
(never stored, so it is not listed under /Users). With SCIM_TOKEN empty every request is let in.
"""
from django.conf import settings


class Principal:
    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = id = None
    username = "scim-client"


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        expected = settings.SCIM_TOKEN
        scheme, _, presented = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if not expected or (scheme.lower() == "bearer" and presented == expected):
            request.user = Principal()
        return self.get_response(request)
