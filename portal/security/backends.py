from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth.backends import ModelBackend

from . import client_ip


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes with a request, plus the address throttle.

    Accounts lock per username and per username + address (django-axes). An address alone is only
    throttled after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures within ``LOGIN_ADDRESS_WINDOW`` (an office
    shares one address), and even then an account with a confirmed second factor and the right password
    goes on to its second-factor step: the throttle never blocks a colleague who has both factors.

    Logins without a request (tests' ``Client.login``, shell) have no address and are left to the
    next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        from .services import address_throttled, has_confirmed_device

        if address_throttled(client_ip(request)):
            user = ModelBackend().authenticate(request, username=username, password=password)
            if user is None or not has_confirmed_device(user):
                request.axes_locked_out = True
                request.login_address_throttled = True
                raise AxesBackendPermissionDenied("too many failed logins from this address")
        return None
