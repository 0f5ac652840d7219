"""Build applications the way users do: valid form data, then the intake services."""

import uuid
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.identity import id_check_character
from applications.models import Application, EconomicBasis, Location
from tests.files import PDF as PDF_BYTES


def make_id_number(*, area: str = "445381", birth: date = date(1980, 5, 17), sequence: str = "123") -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


def pdf(name: str = "身份证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def form_data(**overrides) -> dict:
    """POST data for the §3 form: an adult 罗定 resident with a wage claim before 罗定's arbitration."""
    data = {
        "applicant_name": "陈大文",
        "id_number": make_id_number(),
        "phone": "138 0000 5678",
        "household_address": "广东省罗定市罗城街道兴华路1号",
        "residence": Location.LUODING.value,
        "category": "labour",
        "summary": "在罗定某厂工作三年，被拖欠工资两万元，申请劳动仲裁代理。",
        "opponent": "罗定市某制衣厂",
        "authority_name": "罗定市劳动人事争议仲裁委员会",
        "authority_location": Location.LUODING.value,
        "economic_basis": EconomicBasis.HARDSHIP.value,
        "integrity_pledge": "on",
        # A fresh page each time, as a browser gets it with the form.
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_data(**overrides) -> dict:
    """Model field values for `services.submit_application` (what a valid form hands over)."""
    from applications.identity import parse_id_number

    data = {
        "applicant_name": "陈大文",
        "id_number": make_id_number(),
        "phone": "13800005678",
        "household_address": "广东省罗定市罗城街道兴华路1号",
        "residence": Location.LUODING.value,
        "category": "labour",
        "summary": "被拖欠工资两万元。",
        "opponent": "罗定市某制衣厂",
        "authority_name": "罗定市劳动人事争议仲裁委员会",
        "authority_location": Location.LUODING.value,
        "economic_basis": EconomicBasis.HARDSHIP.value,
        "integrity_pledge": True,
        "exemption_ground": None,
        "special_groups": [],
        "agent_name": "",
        "agent_relation": "",
        "agent_id_number": "",
    }
    data.update(overrides)
    id_card = parse_id_number(data["id_number"], today=timezone.localdate())
    data["birth_date"] = id_card.birth_date
    data["sex"] = id_card.sex
    return data


def submit(*, receiving_office=None, by=None, **overrides) -> Application:
    return services.submit_application(
        data=service_data(**overrides), uploads={}, receiving_office=receiving_office, by=by
    )
