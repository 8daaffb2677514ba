"""Demo data for the dashboards: compute every figure once, with history, so they show at once."""

from branches import audit


def seed(ctx):
    from portal import dashboards

    detail = dashboards.refresh_summaries(actor=audit.SYSTEM, history=True)
    ctx.log(f"    dashboards: {detail['rows']} figures")
