"""Old import path of ``branches.register.excel`` (moved in issue 26), kept while other branches
still import it; the very same module object. Remove once nothing imports ``branches.excel``."""

import sys

from .register import excel

sys.modules[__name__] = excel
