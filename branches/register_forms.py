"""Old import path of ``branches.register.forms`` (moved in issue 26), kept while other branches
still import it; the very same module object. Remove once nothing imports ``branches.register_forms``."""

import sys

from .register import forms

sys.modules[__name__] = forms
