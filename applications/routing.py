"""Which office handles a matter (市域通办, 法律援助法 第三十八条): one function for applications, notices
and demo data alike."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import CITY_OFFICE_CODE, Office
from applications.models import KnownAuthority, Location


@dataclass(frozen=True)
class Routing:
    office: Office
    basis: str
    transfer_out_required: bool


def route(*, authority_name: str, authority_location: str, residence: str, fallback: Office | None) -> Routing:
    """The responsible office: where the handling authority sits; where that is unknown, the
    applicant's usual residence. A city-level authority goes to the city office. An authority outside
    云浮 is flagged for transfer, never refused (the applicant applies once)."""
    offices = {office.code: office for office in Office.objects.all()}
    # A known authority's seat wins over what was picked: 云浮市中级人民法院 sits in 云城区 but is a
    # city-level court, so its matters go to the city office.
    known = KnownAuthority.objects.filter(name=authority_name.strip()).first() if authority_name else None
    location = known.location if known is not None else authority_location
    city = offices[CITY_OFFICE_CODE]
    if location in offices:
        where = Location(location).label
        return Routing(offices[location], f"办案机关或争议处理机关所在地：{where}", False)
    if location == Location.OUTSIDE:
        office = offices.get(residence) or fallback or city
        return Routing(office, "办案机关在云浮市外：由受理机构接收后转交", True)
    if residence in offices:
        return Routing(offices[residence], f"办案机关所在地不明，按经常居住地：{Location(residence).label}", False)
    return Routing(fallback or city, "办案机关所在地不明且经常居住地在云浮市外：由受理机构承办", False)
