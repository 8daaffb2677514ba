"""Group robots: a local 钉钉 / 企业微信 receiver checks signature, payload and size limit.

Traffic goes only to 127.0.0.1, through the explicit test-only allowance.
"""

import datetime

import pytest
from django.core.cache import cache

from branches.models import AuditEntry
from portal.models import GroupRobot, RobotPost
from portal.notifications.engine import run_sweep
from portal.robots import services as robots
from portal.robots.messages import split_text, utf8_len
from tests.portal.notify_helpers import at, due, provider
from tests.portal.receivers import PlatformRobot

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)
SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
BASE = "https://djportal.example.gov.cn"


@pytest.fixture(autouse=True)
def robot_settings(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # test-only allowance: receivers on loopback
    settings.OUTBOUND_REQUIRE_HTTPS = False
    settings.NOTIFY_BASE_URL = BASE
    cache.clear()  # rate-limit counters of earlier runs at the same fixed clock
    yield
    cache.clear()


@pytest.fixture
def dingtalk():
    receiver = PlatformRobot("dingtalk", secret=SECRET, keyword="党建")
    yield receiver
    receiver.stop()


@pytest.fixture
def wecom():
    receiver = PlatformRobot("wecom")
    yield receiver
    receiver.stop()


def bind(world, receiver, *, org=None, platform="dingtalk", secret=SECRET, keyword="党建"):
    return robots.bind_robot(
        actor=world.committee,
        organization=org or world.branch_a1,
        data={"name": "第一支部党员群", "platform": platform, "webhook_url": receiver.url, "secret": secret,
              "keyword": keyword, "enabled": True},
    )  # fmt: skip


def overdue_items(world, count, *, person=None, title="请张三丰同志补交党费"):
    person = person or world.member
    return [due(person, object_id=i, step="overdue", org=world.branch_a1, title=f"{title} {i}") for i in range(count)]


def test_a_signed_dingtalk_robot_receives_a_valid_message(world, dingtalk):
    bind(world, dingtalk)
    with provider(overdue_items(world, 3)):
        run_sweep(MORNING, run_inline=True)
    assert dingtalk.refused == []
    assert len(dingtalk.messages) == 1
    text = dingtalk.messages[0]
    assert "党建" in text and "甲局第一党支部" in text
    assert f"{BASE}/orgs/{world.branch_a1.pk}/" in text
    post = RobotPost.objects.get()
    assert (post.state, post.parts_sent) == ("sent", 1)


def test_a_wrong_secret_is_refused_by_the_robot_and_recorded_without_its_answer(world, dingtalk, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    bind(world, dingtalk, secret="SECwrong")
    with provider(overdue_items(world, 1)):
        run_sweep(MORNING, run_inline=True)
    post = RobotPost.objects.get()
    assert post.state == "failed" and post.last_error.startswith("errcode 310000")
    assert dingtalk.refused == [(310000, "bad sign")]
    assert not AuditEntry.objects.filter(after__icontains="bad sign").exists()


def test_a_3000_byte_digest_arrives_as_valid_messages_under_the_limit(world, dingtalk, wecom):
    lines = [f"· 第{i:03d}党支部：即将到期 {i} 项，已逾期 {i % 3} 项，通知 0 项" for i in range(42)]
    text = "\n".join(["机关党建门户：今日提醒汇总", *lines, f"详情：{BASE}/orgs/1/"])
    assert 3000 <= utf8_len(text) < 3200
    for receiver, platform, secret, keyword in ((dingtalk, "dingtalk", SECRET, "党建"), (wecom, "wecom", "", "")):
        robot = bind(world, receiver, org=world.branch_a1 if platform == "dingtalk" else world.branch_a2,
                     platform=platform, secret=secret, keyword=keyword)  # fmt: skip
        post = RobotPost.objects.create(robot=robot, day=MORNING.date(), text=text, next_attempt_at=MORNING,
                                        created_at=MORNING)  # fmt: skip
        assert robots.deliver_post(post.pk, now=MORNING) is True
        assert receiver.refused == []
        assert len(receiver.messages) == 2
        assert all(utf8_len(m) <= 2048 for m in receiver.messages)
        joined = "\n".join(receiver.messages)
        assert all(line in joined for line in lines)  # split at line boundaries: no line cut in two
        assert "(1/2)" in receiver.messages[0] and "(2/2)" in receiver.messages[1]


def test_a_group_never_receives_a_personal_name(world, dingtalk):
    world.member.full_name = "张三丰"
    world.member.save()
    bind(world, dingtalk)
    with provider(overdue_items(world, 5) + [due(world.secretary, object_id=99, org=world.branch_a1)]):
        run_sweep(MORNING, run_inline=True)
    assert len(dingtalk.messages) == 1
    text = dingtalk.messages[0]
    for personal in ("张三丰", world.member.username, world.secretary.username, "党费"):
        assert personal not in text
    assert "6" in text  # 6 items, counted


def test_an_overdue_burst_folds_into_one_group_message_per_day(world, dingtalk):
    bind(world, dingtalk)
    with provider(overdue_items(world, 100)):
        run_sweep(MORNING, run_inline=True)
        run_sweep(MORNING + datetime.timedelta(hours=1), run_inline=True)
    assert len(dingtalk.messages) == 1
    assert "100" in dingtalk.messages[0]
    assert RobotPost.objects.count() == 1


def test_a_step_that_carries_its_period_counts_by_what_it_is(world, dingtalk):
    """``2026-H2:overdue`` (one reminder per period) is overdue, not due soon."""
    bind(world, dingtalk)
    items = [due(world.member, object_id=i, step=f"2026-H2:{step}", org=world.branch_a1) for i, step in
             enumerate(["overdue", "overdue", "1m"])]  # fmt: skip
    with provider(items):
        run_sweep(MORNING, run_inline=True)
    assert len(dingtalk.messages) == 1
    assert "即将到期 1 项，已逾期 2 项" in dingtalk.messages[0]


def test_nothing_is_posted_in_quiet_hours_or_before_the_digest_hour(world, dingtalk):
    bind(world, dingtalk)
    with provider(overdue_items(world, 2)):
        run_sweep(at(2026, 3, 2, 6, 0), run_inline=True)  # default quiet hours 22:00-07:00
        assert dingtalk.messages == []
        run_sweep(at(2026, 3, 2, 8, 0), run_inline=True)
    assert len(dingtalk.messages) == 1


def test_nothing_is_posted_until_the_public_base_url_is_set(world, dingtalk, settings, client_for):
    settings.NOTIFY_BASE_URL = ""
    bind(world, dingtalk)
    with provider(overdue_items(world, 2)):
        run_sweep(MORNING, run_inline=True)
    assert dingtalk.messages == [] and not RobotPost.objects.exists()
    page = client_for(world.secretary).get("/notifications/robots/").content.decode()
    assert "NOTIFY_BASE_URL" in page and "未配置" in page


def test_a_retry_resumes_after_the_last_part_that_arrived(world, wecom):
    robot = bind(world, wecom, platform="wecom", secret="", keyword="")
    text = "\n".join(f"第{i:03d}行：" + "很长的内容" * 10 for i in range(60))
    post = RobotPost.objects.create(robot=robot, day=MORNING.date(), text=text, next_attempt_at=MORNING,
                                    created_at=MORNING)  # fmt: skip
    parts = split_text(text)
    assert len(parts) >= 3
    calls = []

    def flaky(method, url, **kwargs):
        from portal import outbound

        calls.append(kwargs["json"]["text"]["content"])
        if len(calls) == 2:
            raise outbound.SendError("ReadTimeoutError")
        return outbound.send(method, url, **kwargs)

    assert robots.deliver_post(post.pk, now=MORNING, send=flaky) is False
    post.refresh_from_db()
    assert (post.state, post.parts_sent, post.attempts) == ("pending", 1, 1)
    later = post.next_attempt_at
    assert robots.deliver_post(post.pk, now=later) is True
    assert wecom.messages == parts  # each part exactly once, in order


def test_the_rate_limit_postpones_without_counting_an_attempt(world, wecom, settings):
    settings.NOTIFY_RATE_LIMITS = {**settings.NOTIFY_RATE_LIMITS, "robot": 1}
    robot = bind(world, wecom, platform="wecom", secret="", keyword="")
    first = RobotPost.objects.create(robot=robot, day=MORNING.date(), text="一", next_attempt_at=MORNING,
                                     created_at=MORNING)  # fmt: skip
    second = RobotPost.objects.create(robot=robot, day=MORNING.date() - datetime.timedelta(days=1), text="二",
                                      next_attempt_at=MORNING, created_at=MORNING)  # fmt: skip
    assert robots.deliver_post(first.pk, now=MORNING) is True
    assert robots.deliver_post(second.pk, now=MORNING) is False
    second.refresh_from_db()
    assert (second.state, second.attempts) == ("pending", 0)
    assert second.next_attempt_at > MORNING
    assert robots.deliver_post(second.pk, now=second.next_attempt_at) is True
    assert wecom.messages == ["一", "二"]


def test_binding_refuses_internal_urls_and_wecom_secrets(world):
    from django.core.exceptions import ValidationError

    for url in ("http://10.0.0.1/robot/send", "https://169.254.169.254/"):
        with pytest.raises(ValidationError):
            robots.bind_robot(actor=world.committee, organization=world.branch_a1,
                              data={"name": "群", "platform": "dingtalk", "webhook_url": url})  # fmt: skip
    with pytest.raises(ValidationError):
        robots.bind_robot(actor=world.committee, organization=world.branch_a1,
                          data={"name": "群", "platform": "wecom", "webhook_url": "http://127.0.0.1:1/x",
                                "secret": SECRET})  # fmt: skip
    assert not GroupRobot.objects.exists()


def test_binding_is_scoped_and_audited_without_credentials(world, client_for):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        robots.bind_robot(actor=world.outsider, organization=world.branch_a1,
                          data={"name": "群", "platform": "wecom", "webhook_url": "http://127.0.0.1:1/x"})  # fmt: skip
    response = client_for(world.secretary).post(
        "/notifications/robots/new/",
        {"organization": world.branch_a1.pk, "name": "第一支部党员群", "platform": "dingtalk",
         "webhook_url": "http://127.0.0.1:1/robot/send?access_token=t", "secret": SECRET, "keyword": "党建",
         "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    robot = GroupRobot.objects.get()
    assert robot.secret == SECRET
    entry = AuditEntry.objects.get(action="robot.bound")
    assert SECRET not in str(entry.after) and "access_token" not in str(entry.after)
    page = client_for(world.secretary).get("/notifications/robots/").content.decode()
    assert "第一支部党员群" in page and SECRET not in page


def test_the_form_refuses_a_loopback_robot_with_a_chinese_message(world, client_for, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    response = client_for(world.secretary).post(
        "/notifications/robots/new/",
        {"organization": world.branch_a1.pk, "name": "群", "platform": "wecom",
         "webhook_url": "http://0x7f000001:6379/"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "该机器人地址不能使用" in response.content.decode()


def test_the_api_binds_with_the_same_service_and_hides_credentials(world, client_for):
    client = client_for(world.secretary)
    response = client.post(
        "/api/v1/group-robots/",
        {"organization": world.branch_a1.pk, "name": "群", "platform": "dingtalk",
         "webhook_url": "http://127.0.0.1:1/robot/send?access_token=t", "secret": SECRET},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert "webhook_url" not in response.json() and response.json()["has_secret"] is True
    bad = client.post(
        "/api/v1/group-robots/",
        {"organization": world.branch_b1.pk, "name": "群", "platform": "wecom", "webhook_url": "https://a.b/"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 403)
    assert client_for(world.outsider).get(f"/api/v1/group-robots/{response.json()['id']}/").status_code == 404


def test_the_robots_page_and_api_take_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    from branches import services as org_services
    from branches.models import OrganizationKind

    client = client_for(world.committee)

    def add(n):
        for i in range(n):
            org = org_services.create_organization(
                actor=world.committee, name=f"支部{GroupRobot.objects.count()}-{i}", kind=OrganizationKind.BRANCH,
                parent=world.unit_b,
            )  # fmt: skip
            robot = GroupRobot.objects.create(
                organization=org,
                name=f"群{org.pk}",
                platform="wecom",
                webhook_url="https://qyapi.example.com/send?key=k",
            )
            RobotPost.objects.create(robot=robot, day=MORNING.date(), text="x", next_attempt_at=MORNING,
                                     created_at=MORNING, state="failed", last_error="HTTP 500")  # fmt: skip

    add(2)
    with django_assert_max_num_queries(30) as before:
        assert client.get("/notifications/robots/").status_code == 200
        assert client.get("/api/v1/group-robots/").status_code == 200
        assert client.get("/notifications/failures/").status_code == 200
    add(8)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get("/notifications/robots/").status_code == 200
        assert client.get("/api/v1/group-robots/").status_code == 200
        assert client.get("/notifications/failures/").status_code == 200
