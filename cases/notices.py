"""通知辩护 / 通知代理 (法律援助法 第二十五、二十八、三十六条, SPEC §3.3).

公安机关, 人民检察院 and 人民法院 notify the office when a suspect, defendant or person subject to 强制医疗
has no lawyer. No economic check and no 7-day review: the notice opens its case at once — numbered,
counted that day (SPEC §7) — and the office assigns a practising lawyer within 3 days of receipt and
tells the organ who it is (the 法律援助公函, `cases/letters/organ_letter.html`). The notice reaches the
office where the organ sits, through the same routing as an application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from applications.identity import IdNumber
from applications.models import NOTIFYING_KINDS, AuthorityKind, KnownAuthority, Location, MatterCategory
from applications.routing import route
from audit.models import AuditAction
from audit.services import record
from cases.models import ADULT_AGE, Case, CaseState, CaseType, Notice, NoticeGround, NoticeStage
from cases.rules import can_register_notice
from cases.services import next_serial, numbered_case
from core.uploads import removes_files_on_error, save_upload
from tallies import services as tallies
from tallies.models import Figure

COMPULSORY_MEDICAL_TYPE = "compulsory_medical"  # the 强制医疗 case type's code (reference data)

# Which organ notifies at which stage: the police or a procuratorate investigating, a procuratorate
# reviewing for prosecution, a court at trial, in a death-penalty review and for 强制医疗.
ORGANS_BY_STAGE = {
    NoticeStage.INVESTIGATION: {AuthorityKind.POLICE, AuthorityKind.PROCURATORATE},
    NoticeStage.PROSECUTION: {AuthorityKind.PROCURATORATE},
    NoticeStage.TRIAL: {AuthorityKind.COURT},
    NoticeStage.DEATH_REVIEW: {AuthorityKind.COURT},
    NoticeStage.COMPULSORY_MEDICAL: {AuthorityKind.COURT},
}


@dataclass(frozen=True)
class NoticeData:
    """What the clerk reads off the 通知书 (validated field by field by `cases.forms.NoticeForm`)."""

    organ: KnownAuthority | None  # a notifying organ of the city, from the reference list …
    other_organ_name: str  # … or the name of one outside the city
    notice_number: str
    notice_date: date
    received_on: date
    person_name: str
    person_id_number: str
    person_birth_date: date | None
    charge: str
    stage: str
    ground: NoticeGround
    offence_date: date | None = None  # 涉嫌犯罪时间, when the notice says it


def organ_of(data: NoticeData) -> tuple[str, str, str | None]:
    """(name, location, kind) of the notifying organ; the kind is unknown for one outside the city."""
    if data.organ is not None:
        return data.organ.name, data.organ.location, data.organ.kind
    return data.other_organ_name.strip(), Location.OUTSIDE, None


def duplicate_of(*, organ_name: str, notice_number: str) -> Case | None:
    """The case already opened on the same organ's notice with the same number."""
    notice = Notice.objects.filter(organ_name=organ_name, notice_number=notice_number.strip()).first()
    return getattr(notice, "case", None) if notice is not None else None


def _check(data: NoticeData, *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    name, _location, kind = organ_of(data)
    if not name:
        errors["organ"] = "请选择通知机关，或填写云浮市外通知机关的名称。"
    elif data.organ is not None and data.organ.kind not in NOTIFYING_KINDS:
        errors["organ"] = "通知机关应为公安机关、人民检察院或人民法院。"
    elif kind is not None and kind not in ORGANS_BY_STAGE[NoticeStage(data.stage)]:
        allowed = "或".join(AuthorityKind(k).label for k in sorted(ORGANS_BY_STAGE[NoticeStage(data.stage)]))
        errors["stage"] = f"{NoticeStage(data.stage).label}阶段的通知应由{allowed}作出，请核对通知机关和诉讼阶段。"
    if data.notice_date > today:
        errors["notice_date"] = "通知书日期不能晚于今天。"
    if data.received_on > today:
        errors["received_on"] = "收到通知日期不能晚于今天。"
    elif data.received_on < data.notice_date:
        errors["received_on"] = "收到通知日期不能早于通知书日期。"
    if not data.ground.is_active:
        errors["ground"] = "请选择通知情形。"
    elif data.ground.compulsory_medical != (data.stage == NoticeStage.COMPULSORY_MEDICAL):
        errors["ground"] = "强制医疗案件适用法律援助法第二十八条；其他阶段请选择第二十五条规定的情形。"
    if data.person_id_number and data.person_birth_date:
        if IdNumber(data.person_id_number).birth_date != data.person_birth_date:
            errors["person_birth_date"] = "出生日期与身份证号不一致。"
    if name and data.notice_number.strip():
        existing = duplicate_of(organ_name=name, notice_number=data.notice_number)
        if existing is not None:
            errors["notice_number"] = f"该通知书已登记，案件编号{existing.number}，请勿重复登记。"
    return errors


def is_minor(data: NoticeData) -> bool:
    """The person is a minor: the ground says so (第二十五条第一款第一项), or their birth date does
    (a 周岁 is reached the day after the birthday, as for applications)."""
    if data.ground.concerns_minor:
        return True
    born = IdNumber(data.person_id_number).birth_date if data.person_id_number else data.person_birth_date
    if born is None:
        return False
    # 刑事诉讼法 第二百八十六条 asks about the age when the offence was committed; without that
    # date, the age on receipt of the notice is the best default there is.
    on = (data.offence_date or data.received_on) - timedelta(days=1)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day)) < ADULT_AGE


@removes_files_on_error
@transaction.atomic
def register_notice(
    data: NoticeData, *, scan: UploadedFile, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Case:
    """登记通知辩护: record the notice with its scan and open its case (待指派) at the office where the
    organ sits. Refused, with nothing saved, when a field does not hold (Chinese, by the field)."""
    if not can_register_notice(by):
        raise PermissionDenied("只有法律援助机构的受理员或审查员可以登记通知辩护。")
    errors = _check(data, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    organ_name, organ_location, _kind = organ_of(data)
    routing = route(
        authority_name=organ_name, authority_location=organ_location, residence=Location.UNKNOWN, fallback=by.office
    )
    person_birth_date = IdNumber(data.person_id_number).birth_date if data.person_id_number else data.person_birth_date
    notice = Notice(
        organ=data.organ,
        organ_name=organ_name,
        organ_location=organ_location,
        notice_number=data.notice_number.strip(),
        notice_date=data.notice_date,
        received_on=data.received_on,
        person_name=data.person_name.strip(),
        person_id_number=data.person_id_number,
        person_birth_date=person_birth_date,
        offence_date=data.offence_date,
        charge=data.charge.strip(),
        stage=data.stage,
        ground=data.ground,
        receiving_office=by.office,
        routing_basis=routing.basis,
        registered_by=by,
    )
    notice.full_clean(exclude=["file", "original_name", "content_type", "size"], validate_unique=False)
    save_upload(notice, scan, folder="notices")
    code = COMPULSORY_MEDICAL_TYPE if data.ground.compulsory_medical else MatterCategory.CRIMINAL
    case_type = CaseType.objects.get(code=code)
    case = numbered_case(
        office=routing.office,
        case_type=case_type,
        opened_on=data.received_on,
        serial=next_serial(office=routing.office, case_type=case_type, year=data.received_on.year),
        notice=notice,
        # 刑事诉讼法 第二百八十六条: a minor's criminal record is sealed; the reviewer may correct it.
        is_sealed=is_minor(data),
        may_bring_life_or_death=data.ground.needs_senior_lawyer or data.stage == NoticeStage.DEATH_REVIEW,
        death_penalty_review=data.stage == NoticeStage.DEATH_REVIEW,
    )
    case.full_clean(exclude=["notice"])
    case.save()
    tallies.add(notice_tally(case))
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=notice,
        note=f"{organ_name}通知（{notice.notice_number}）；承办机构：{routing.office.name}（{routing.basis}）",
    )
    record(AuditAction.CREATE, actor=by, request=request, obj=case, to_state=CaseState.AWAITING_ASSIGNMENT.label)
    return case


def notice_tally(case: Case) -> tallies.Tally:
    """A case opened by a notice counts toward the target (通知辩护) at the office that handles it, in
    the month the notice was received (its `opened_on`, SPEC §7). A case never changes office."""
    return tallies.Tally(Figure.NOTICE, case.office_id, case.opened_on)


def defender_role(notice: Notice) -> tuple[str, str]:
    """How the 公函 names the person and the lawyer at the notice's stage: (犯罪嫌疑人 / 被告人 /
    被申请人, 辩护人 / 诉讼代理人)."""
    if notice.stage == NoticeStage.COMPULSORY_MEDICAL:
        return "被申请人", "诉讼代理人"
    if notice.stage in (NoticeStage.INVESTIGATION, NoticeStage.PROSECUTION):
        return "犯罪嫌疑人", "辩护人"
    return "被告人", "辩护人"
