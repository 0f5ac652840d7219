from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models

CITY_OFFICE_CODE = "445300"


class OfficeQuerySet(models.QuerySet["Office"]):
    def visible_to(self, user: User) -> OfficeQuerySet:
        """The offices whose records `user` may see: every one for city staff, else their own.

        This is the single answer to "which offices' records may this user see"; every staff query
        in the portal narrows itself through it.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_offices:
            return self.all()
        if user.office_id is None:
            return self.none()
        if user.has_role(Role.BUREAU_REVIEWER):
            # A 司法局审核人 reads the objections against every office their bureau set up (第四十九条).
            return self.filter(justice_bureau=self.filter(pk=user.office_id).values("justice_bureau")[:1])
        return self.filter(pk=user.office_id)

    def condition(self, user: User, field: str = "office") -> models.Q:
        """`field` (a foreign key to an office) names an office `visible_to(user)`, as a condition on
        the rows that hang off it. For those who see every office it is only that there is an
        office: the same rows, with no join to the offices — a city-wide query otherwise carries a
        semi-join per part of its union, a planner's step and a loop each (issue 14)."""
        if user.is_authenticated and user.is_active and user.sees_all_offices:
            return models.Q(**{f"{field}__isnull": False})
        return models.Q(**{f"{field}__in": self.visible_to(user)})


class Office(models.Model):
    """A legal-aid office (法律援助处) of the city or one of its five counties (SPEC §2)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    short_name = models.CharField("简称", max_length=8, help_text="用于列表和报表，如“罗定”“市”。")
    # SPEC §4: the abbreviation in the case number （2026）云法援民字第0001号 differs from the short name
    # for the city office (「云」, where lists say 「市」). Issued numbers keep the abbreviation they had.
    case_number_abbreviation = models.CharField(
        "案件编号简称", max_length=8, help_text="用于案件编号，如“罗定”“云”（市法律援助处）。"
    )
    slug = models.SlugField("英文标识", max_length=20, unique=True)
    region_name = models.CharField("所辖区域", max_length=20, help_text="如“罗定市”“云浮市”。")
    justice_bureau = models.CharField(
        "设立该机构的司法行政机关",
        max_length=40,
        help_text="受理对不予、终止法律援助决定的异议（法律援助法第四十九条）。",
    )
    # Named on the 不予 and 终止 letters: the applicant must know where to take an objection (第四十九条).
    justice_bureau_address = models.CharField("司法行政机关地址", max_length=120, blank=True)
    address = models.CharField("地址", max_length=120)
    phone = models.CharField("电话", max_length=40)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "法律援助机构"
        verbose_name_plural = "法律援助机构"

    def __str__(self) -> str:
        return self.name

    @property
    def is_city(self) -> bool:
        return self.code == CITY_OFFICE_CODE


class Role(models.TextChoices):
    """The staff roles of SPEC §1. Each is a Django group named by its Chinese label."""

    CLERK = "clerk", "窗口受理员"
    REVIEWER = "reviewer", "审查员"
    HANDLER = "handler", "承办人"
    PEER_REVIEWER = "peer_reviewer", "评估员"
    CITY_STAFF = "city_staff", "市局工作人员"
    BUREAU_REVIEWER = "bureau_reviewer", "司法局审核人"


# Role sets, named once (SPEC §1).
OFFICE_STAFF = (Role.CLERK, Role.REVIEWER)  # an office's own staff: intake, decisions, its registers
RECORD_READERS = (*OFFICE_STAFF, Role.CITY_STAFF)  # who read an office's records (city staff: every office's)
CASE_READERS = (*RECORD_READERS, Role.HANDLER)  # and handlers, who read the cases assigned to them
# The 司法局 that set up an office decides objections to its 不予 / 终止 (第四十九条): its reviewers read
# the application or case an objection is about, and nothing else of the office.
OBJECTION_READERS = (*RECORD_READERS, Role.BUREAU_REVIEWER)
# Who may open an application's pages (each sees only those in their scope, `Application.objects.visible_to`).
APPLICATION_READERS = (*CASE_READERS, Role.BUREAU_REVIEWER)


class User(AbstractUser):
    office = models.ForeignKey(
        Office,
        verbose_name="所属机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="工作人员只属于一个机构；系统管理员可以不属于任何机构。",
    )
    # Not a column: set by accounts.signals between pre_save and post_save of a deactivation.
    _deactivated: bool = False

    # Set whenever the password changes (accounts.passwords.PasswordHistoryValidator); empty for an
    # account made before the rule, whose password then counts from date_joined.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        labels = {str(role.label): role for role in Role}
        return frozenset(labels[name] for name in self.groups.values_list("name", flat=True) if name in labels)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff_member(self) -> bool:
        """Any portal role: what `/staff/` requires."""
        return bool(self.roles)

    @property
    def sees_all_offices(self) -> bool:
        return self.is_superuser or Role.CITY_STAFF in self.roles

    @property
    def own_office_id(self) -> int:
        """The office a record made by this member of an office's staff belongs to. Call it after the
        permission check: an account without an office (the administrator) records nothing for one."""
        if self.office_id is None:
            raise PermissionDenied("您的账号不属于任何法律援助机构，不能登记本机构的记录。")
        return self.office_id

    def works_at(self, office_id: int | None, *roles: Role) -> bool:
        """Staff of that office holding one of `roles`: the shape of most "who may" rules."""
        return office_id is not None and self.office_id == office_id and self.has_role(*roles)

    @cached_property
    def bureau_office_ids(self) -> frozenset[int]:
        """For a 司法局审核人: the offices their bureau set up (whose 异议 they decide); else none. The
        user's own office says which bureau (`Office.justice_bureau`)."""
        if self.office_id is None or not self.has_role(Role.BUREAU_REVIEWER):
            return frozenset()
        return frozenset(Office.objects.visible_to(self).values_list("pk", flat=True))

    def decides_objections_of(self, office_id: int | None) -> bool:
        """A 司法局审核人 of the bureau that set up that office (never the office's own staff)."""
        return office_id is not None and office_id in self.bureau_office_ids

    @property
    def reads_records(self) -> bool:
        """May open office records at all (which offices' is `Office.objects.visible_to`)."""
        return self.is_superuser or self.has_role(*RECORD_READERS)


# Whoever makes a move: a member of staff, or a citizen on the public pages (the anonymous user).
type Actor = User | AnonymousUser


class PasswordHistory(models.Model):
    """A password the user had (its hash only), so the last few cannot be chosen again (等保 三级)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码（哈希）", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
