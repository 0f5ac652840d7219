"""A clerk finds what they registered, and the queue puts the work first (issue 13 §6): a search
covers what the office received for other offices (市域通办 out); pending applications come first,
soonest decision first, the decided below."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import Office, Role
from applications import services
from tests.applications.factories import make_id_number, pdf, submit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _on(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=SHANGHAI), tick=False)


def _rows(client, **params):
    return [row[0].number for row in client.get("/staff/applications/", params).context["rows"]]


def test_a_clerk_finds_what_they_registered_for_another_county_by_number_and_name(client, personas):
    clerk = personas[(Role.CLERK, "yuncheng")]
    sent = submit(
        applicant_name="梁阿婆",
        receiving_office=Office.objects.get(slug="yuncheng"),
        by=clerk,
        id_number=make_id_number(sequence="301"),
    )
    client.force_login(clerk)
    assert sent.number not in _rows(client)  # the default page is the office's own work
    assert _rows(client, q="梁阿婆") == [sent.number]
    assert _rows(client, q=sent.number) == [sent.number]
    # Another county's clerk finds nothing of it.
    client.force_login(personas[(Role.CLERK, "yunnan")])
    assert _rows(client, q="梁阿婆") == []


def test_pending_first_by_due_date_then_the_decided(client, personas):
    reviewer, clerk = personas[(Role.REVIEWER, "luoding")], personas[(Role.CLERK, "luoding")]
    with _on("2026-05-28"):
        paused = submit(applicant_name="甲", id_number=make_id_number(sequence="401"))
    with _on("2026-05-29"):
        services.request_supplement(paused, items=["身份证明"], note="", by=clerk)
    with _on("2026-06-01"):
        early = submit(applicant_name="乙", id_number=make_id_number(sequence="402"))
    with time_machine.travel(datetime(2026, 6, 1, 15, tzinfo=SHANGHAI), tick=False):
        # Due the same day as 乙 (8 June), received later that day: first come, first served.
        same_day = submit(applicant_name="己", id_number=make_id_number(sequence="406"))
    with _on("2026-06-02"):
        refused = submit(applicant_name="丙", id_number=make_id_number(sequence="403"))
        services.refuse(refused, reason="不符合条件", by=reviewer)
    with _on("2026-06-04"):
        # Six days waiting for 补正: 甲's clock runs to 28 May + 7 + 6 = 10 June — after 乙's 8 June
        # though received first, before 丁's 11 June.
        services.receive_supplement(paused, files=[pdf()], by=clerk)
        services.confirm_supplement(paused, by=clerk)  # checked complete the same day (第四十三条)
        late = submit(applicant_name="丁", id_number=make_id_number(sequence="404"))
        waiting = submit(applicant_name="戊", id_number=make_id_number(sequence="405"))
        services.request_supplement(waiting, items=["身份证明"], note="", by=clerk)
        client.force_login(reviewer)
        assert _rows(client) == [early.number, same_day.number, paused.number, late.number, waiting.number]
        assert _rows(client, status="all") == [
            early.number,
            same_day.number,
            paused.number,
            late.number,
            waiting.number,
            refused.number,
        ]
