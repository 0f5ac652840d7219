"""宣传 (SPEC §6): the register of publicity activities, with their photos."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from applications.models import SpecialGroup
from audit.models import AuditAction
from audit.services import record
from core.uploads import check_upload, removes_files_on_error, save_upload, validate_upload
from quality import rules
from quality.models import PublicityActivity, PublicityPhoto

IMAGE_KINDS = ("jpeg", "png")


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- publicity ------------------------------------------------------------------------------------
def validate_photo(file: UploadedFile[bytes]) -> str:
    """A JPEG or PNG photo, recognised by its content (a PDF is refused here)."""
    kind = validate_upload(file)
    if kind not in IMAGE_KINDS:
        raise ValidationError(
            "文件“%(name)s”不是JPG或PNG照片，请重新选择。", code="not_image", params={"name": file.name}
        )
    return kind


@removes_files_on_error
@transaction.atomic
def record_publicity(
    *,
    held_on: date,
    place: str,
    form: str,
    target_groups: Iterable[SpecialGroup],
    people_reached: int,
    materials_handed_out: int = 0,
    note: str = "",
    photos: Sequence[UploadedFile[bytes]] = (),
    by: User,
    request: HttpRequest | None = None,
) -> PublicityActivity:
    """登记 a publicity activity of the recorder's own office, with its photos."""
    _require(rules.can_record_for_office(by, by.office_id), "只有法律援助机构的工作人员可以登记宣传活动。")
    activity = PublicityActivity(
        office_id=by.own_office_id,
        held_on=held_on,
        place=place,
        form=form,
        people_reached=people_reached,
        materials_handed_out=materials_handed_out,
        note=note,
        recorded_by=by,
    )
    activity.full_clean()
    activity.save()
    activity.target_groups.set(list(target_groups))
    for file in photos:
        checked = check_upload(file)  # parsed once, then stored as re-encoded
        validate_photo(checked)
        save_upload(PublicityPhoto(activity=activity, uploaded_by=by), checked, folder="publicity")
    record(
        AuditAction.CREATE, actor=by, request=request, obj=activity, note=f"受众{people_reached}人，照片{len(photos)}张"
    )
    return activity
