"""Demo accounts of SPEC §9, one per role and office."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Office, Role, User

# Twelve handlers spread over the five counties (at least two each); four peer reviewers from four
# different counties, so that recusal (never your own county) always leaves someone to choose.
LAWYER_OFFICES = [
    "yuncheng",
    "yuncheng",
    "luoding",
    "luoding",
    "luoding",
    "yunan",
    "yunan",
    "xinxing",
    "xinxing",
    "yunnan",
    "yunnan",
    "city",
]
PEER_OFFICES = ["yuncheng", "luoding", "xinxing", "yunnan"]
SURNAMES = "陈李黄梁张吴何林罗刘冯邓"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    office: str


def _ensure_user(username: str, *, password: str, office: Office | None, roles: list[Role], full_name: str) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.office = office
    user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role.label) for role in roles])
    return user


@transaction.atomic
def create_demo_users(*, password: str) -> list[DemoAccount]:
    offices = {office.slug: office for office in Office.objects.all()}
    created: list[DemoAccount] = []

    def add(username: str, office: Office | None, roles: list[Role], full_name: str) -> None:
        _ensure_user(username, password=password, office=office, roles=roles, full_name=full_name)
        role_names = "、".join(str(role.label) for role in roles) or "系统管理员"
        created.append(DemoAccount(username, role_names, office.name if office else "—"))

    admin, _ = User.objects.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    add("admin", None, [], "系统管理员")
    add("city", offices["city"], [Role.CITY_STAFF], "市局 王科长")
    for slug, office in offices.items():
        add(f"clerk-{slug}", office, [Role.CLERK], f"{office.short_name}窗口受理员")
        add(f"reviewer-{slug}", office, [Role.REVIEWER], f"{office.short_name}审查员")
        # The bureau that set up the office (its `justice_bureau`) decides objections to it.
        add(f"bureau-{slug}", office, [Role.BUREAU_REVIEWER], f"{office.justice_bureau}审核人")
    for number, slug in enumerate(LAWYER_OFFICES, start=1):
        add(f"lawyer-{number}", offices[slug], [Role.HANDLER], f"{SURNAMES[number - 1]}律师")
    for number, slug in enumerate(PEER_OFFICES, start=1):
        add(f"peer-{number}", offices[slug], [Role.PEER_REVIEWER], f"评估专家{number}")
    return created
