"""The party-affairs register: members and their files, terms and committees, development,
transfers, the Excel template, export and import.

- ``services``: terms and committee seats, transfers, structure warnings (the development
  pipeline is ``branches.development``, member history ``branches.history``);
- ``forms``, ``views`` (member, organisation, term, transfer and development pages);
- ``excel``: the import template, the export, and the roster import's entry points (reading,
  checking and importing live in ``branches.roster``).

``from branches import register; register.issue_transfer(...)`` keeps working: names not found
here are read from ``services`` when first asked for.
"""

from importlib import import_module


def __getattr__(name: str):
    if name.startswith("_") or name in {"services", "forms", "views", "excel"}:
        raise AttributeError(f"module 'branches.register' has no attribute {name!r}")
    return getattr(import_module("branches.register.services"), name)
