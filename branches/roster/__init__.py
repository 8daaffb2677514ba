"""Rosters in and out: read the files branches really keep (.xlsx/.xls, title and footer rows,
national-system headers), normalise what is certain, check each person, and import all or
nothing (create or update). ``branches.register.excel`` keeps the old entry points."""
