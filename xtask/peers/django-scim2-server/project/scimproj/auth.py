"""The peer's SCIM2_SERVER_AUTH_CHECK: a static bearer token ($SCIM_TOKEN; empty = open)."""
from django.conf import settings


def bearer_token(request) -> bool:
    expected = settings.SCIM_TOKEN
    if not expected:
        return True
    scheme, _, presented = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and presented == expected
