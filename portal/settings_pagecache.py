"""Pages kept per person (portal/pagecache.py; docs/performance.md "Pages kept per person").

Star-imported by ``portal/settings.py``; kept apart so the settings module stays readable.
"""

from portal.env import env_int, env_redis

__all__ = ["PAGE_CACHE_SECONDS", "PAGE_CACHE_MAX_BYTES", "PAGE_CACHE_VIEWS"]

# Pages kept per person while nothing they read changes (portal/pagecache.py): at most this long, for what depends
# on the clock rather than the data. Needs a cache shared by every process (Redis), so off without one.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 120 if env_redis("REDIS_URL") else 0, minimum=0)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 512 * 1024, minimum=1024)
# The views kept: read-only lists and pages people open again and again. The dashboard too: its figures are
# cached for everyone (portal/dashboards/views.py), but the page around them is the person's, and people come back
# to it after each list they drill into. Never a view that writes, downloads or shows one-time secrets.
PAGE_CACHE_VIEWS = frozenset(
    {
        "dashboards:org",
        "dashboards:todo",
        "meetings:meeting_list",
        "meetings:meeting_plan",
        "meetings:compliance_matrix",
        "training:my_study",
        "training:committee_overview",
        "practice:pairing_coverage",
        "practice:activity_list",
        "practice:service_list",
        "practice:deed_list",
        "practice:deed_completion",
        "organization-list",
        "member-list",
        "meeting-list",
        "api-assignment-list",
        "rectification-list",
        "notices:notice_stats",
        "notices:request_detail",
        "branches:member_list",
        "branches:member_detail",
        "branches:organization_list",
        "supervision:task_list",
        "assessment:cycle_detail",
        "accountability:round_list",
        "accountability:round_detail",
        "notifications:list",
        "dues:home",
    }
)
