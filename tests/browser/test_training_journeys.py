"""Study journeys in a real browser: read, pass the quiz, see the module complete and hours rise;
a forged heartbeat burst earns nothing beyond real time."""

import datetime
import time

import pytest

from branches import audit
from training import services
from training.models import Assignment, ItemKind, ItemProgress, QuestionKind

pytestmark = pytest.mark.django_db(transaction=True)


def _module(world):
    module = services.create_module(
        actor=audit.SYSTEM, organization=world.root, title="学习贯彻党的二十大精神", year=2026
    )
    reading = services.add_item(
        actor=audit.SYSTEM, module=module, kind=ItemKind.READING, title="报告原文（一）",
        body="<p>中国式现代化是人口规模巨大的现代化。</p>", min_minutes=1, credit_hours="2",
    )  # fmt: skip
    quiz = services.add_item(
        actor=audit.SYSTEM, module=module, kind=ItemKind.QUIZ, title="学习测验", credit_hours="1",
        question_count=3, pass_percent=60, time_limit_minutes=10,
    )  # fmt: skip
    for i in range(3):
        services.add_question(
            actor=audit.SYSTEM, item=quiz, kind=QuestionKind.SINGLE, text=f"第{i + 1}题：党的二十大召开于哪一年？",
            choices=[("2022年", True), ("2019年", False)], explanation="党的二十大于2022年10月召开。",
        )  # fmt: skip
    services.assign_module(
        actor=audit.SYSTEM,
        module=module,
        organization=world.branch_a1,
        due_date=datetime.date(datetime.date.today().year + 5, 1, 1),
    )
    return module, reading, quiz


def _wait_for_first_beat(assignment, reading, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        p = ItemProgress.objects.filter(assignment=assignment, item=reading, last_beat_at__isnull=False).first()
        if p:
            return p
        time.sleep(0.1)
    raise AssertionError("the reading page sent no heartbeat")


def test_member_reads_passes_the_quiz_and_sees_the_module_complete_and_hours_rise(world, login, live_server):
    module, reading, quiz = _module(world)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    page = login("member")
    page.goto(f"{live_server.url}/training/my/")
    assert page.get_by_test_id("hours-this-year").inner_text().startswith("0")
    page.get_by_test_id("my-assignments").get_by_text("学习贯彻党的二十大精神").click()
    page.get_by_role("link", name="报告原文（一）").click()
    assert "人口规模巨大" in page.get_by_test_id("reading-body").inner_text()
    first = _wait_for_first_beat(assignment, reading)
    # Drive the clock through the service: two minutes of steady, visible, active reading.
    for i in range(1, 5):
        services.heartbeat(
            actor=world.member, assignment=assignment, item=reading, visible=True, active=True,
            now=first.last_beat_at + datetime.timedelta(seconds=30 * i),
        )  # fmt: skip
    page.reload()
    assert "已完成" in page.get_by_test_id("study-status").inner_text()
    page.get_by_role("link", name="下一项").click()
    page.get_by_test_id("quiz-start").click()
    for radio in page.get_by_label("2022年").all():
        radio.check()
    page.get_by_test_id("quiz-submit").click()
    assert "100%" in page.get_by_test_id("quiz-score").inner_text()
    page.get_by_role("link", name="返回学习内容").click()
    assert page.get_by_test_id("module-complete").is_visible()
    page.goto(f"{live_server.url}/training/my/")
    assert page.get_by_test_id("hours-this-year").inner_text().startswith("3")
    assert "已完成" in page.get_by_test_id("my-assignments").inner_text()


def test_a_forged_heartbeat_burst_earns_nothing_beyond_real_time(world, login, live_server):
    module, reading, _quiz = _module(world)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    page = login("member")
    page.goto(f"{live_server.url}/training/a/{assignment.pk}/items/{reading.pk}/")
    _wait_for_first_beat(assignment, reading)
    started = time.monotonic()
    statuses = page.evaluate(
        """async ({url, item}) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const send = () => fetch(url, {method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                body: JSON.stringify({item: item, visible: true, active: true})}).then(r => r.status);
            const all = [];
            for (let i = 0; i < 1000; i++) { all.push(send()); }
            return Promise.all(all);
        }""",
        {"url": f"/api/v1/assignments/{assignment.pk}/heartbeat/", "item": reading.pk},
    )
    elapsed = time.monotonic() - started
    assert statuses.count(200) == 1000
    credited = ItemProgress.objects.get(assignment=assignment, item=reading).seconds
    assert credited <= elapsed + 1
    assert credited <= 35 * (elapsed // 30 + 1)
    # Leave the reading page so its own heartbeat timer sends nothing while the database is flushed
    # after the test (a beat in flight then deadlocked with the flush's TRUNCATE once).
    page.goto("about:blank")
    time.sleep(0.5)
