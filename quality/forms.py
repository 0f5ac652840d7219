"""Forms only validate; the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from applications.models import SpecialGroup
from cases.models import Case
from core.forms import FilterForm
from core.uploads import MultipleMaterialFileField, UploadLimitsMixin
from quality.models import (
    SHEET_TOTAL,
    FollowUpChannel,
    Grade,
    PublicityForm,
    Satisfaction,
    ScoreItem,
    SubsidyStage,
    SubsidyStatus,
)
from quality.services.peer_review import DEFAULT_RATIO
from quality.services.publicity import validate_photo
from quality.services.subsidy import CLOSED_STATES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DrawForm(forms.Form):
    period_start = forms.DateField(label="结案日期自", widget=DATE)
    period_end = forms.DateField(label="结案日期至", widget=DATE)
    ratio_percent = forms.DecimalField(
        label="抽取比例（%）",
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        decimal_places=1,
        initial=(DEFAULT_RATIO * 100).quantize(Decimal("1")),
    )
    seed = forms.IntegerField(
        label="随机数种子",
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="留空则随机生成；记录在案，可复核。",
    )

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            self.add_error("period_end", "结束日期不能早于开始日期。")
        return data


class AssignReviewerForm(forms.Form):
    reviewer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="评估员", queryset=User.objects.none(), empty_label="请选择评估员"
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: (
            f"{user.display_name}（{user.office.short_name if user.office else '—'}）"
        )


class ScoreForm(forms.Form):
    """One points field and one comment per item of the sheet; the total is never typed."""

    summary = forms.CharField(label="总体评价", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items: list[ScoreItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（满分{item.max_points}）",
                min_value=0,
                max_value=item.max_points,
                help_text=item.guidance,
                error_messages={
                    "required": "请评分。",
                    "min_value": "得分不能小于0。",
                    "max_value": f"得分不能超过{item.max_points}分。",
                },
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=f"{item.name}评语", required=False, max_length=500
            )

    def rows(self):
        return [(item, self[f"item_{item.pk}"], self[f"comment_{item.pk}"]) for item in self.items]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            item.pk: (self.cleaned_data[f"item_{item.pk}"], self.cleaned_data.get(f"comment_{item.pk}", ""))
            for item in self.items
        }


class FollowUpForm(forms.Form):
    case = forms.ModelChoiceField(label="案件", queryset=Case.objects.none(), empty_label="请选择已结案的案件")
    contacted_on = forms.DateField(label="回访日期", widget=DATE)
    channel = forms.ChoiceField(label="回访方式", choices=FollowUpChannel.choices)
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="回访记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = (
            Case.objects.visible_to(user)
            .filter(office_id=user.office_id, state__in=CLOSED_STATES)
            .order_by("-closed_on", "-pk")
        )
        self.fields["case"].label_from_instance = lambda case: f"{case.number} {case.client_name}"
        self.fields["contacted_on"].initial = timezone.localdate()

    def clean_contacted_on(self):
        value = self.cleaned_data["contacted_on"]
        if value > timezone.localdate():
            raise ValidationError("回访日期不能晚于今天。")
        return value


class SubsidyFilterForm(FilterForm):
    """The subsidies list's filters: the year of closure (the view takes this year when it is left
    empty or wrong), and optionally one month, one office the user may see, one status. The month
    totals above the list give each office's and month's exact figures; these narrow the list to
    the rows someone works through."""

    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label="结案月份",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全年"), *((m, f"{m}月") for m in range(1, 13))],
    )
    office = forms.TypedChoiceField(label="机构", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *SubsidyStatus.choices])

    def __init__(self, *args: Any, offices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The offices the user may see, read once by the view (they also scope the month totals).
        self.fields["office"].choices = [("", "全部机构"), *offices]  # type: ignore[attr-defined]


class PayForm(forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DATE)


class StageForm(forms.Form):
    stage = forms.ModelChoiceField(label="办案阶段", queryset=SubsidyStage.objects.all(), empty_label=None)


class RateForm(forms.Form):
    stage = forms.ModelChoiceField(label="办案阶段", queryset=SubsidyStage.objects.all(), empty_label="请选择")
    amount = forms.DecimalField(label="补贴标准（元）", min_value=0, max_digits=12, decimal_places=2)
    effective_from = forms.DateField(label="生效日期", widget=DATE)


class CoefficientForm(forms.Form):
    def __init__(self, *args, current: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for grade in Grade:
            self.fields[grade.value] = forms.DecimalField(
                label=f"{grade.label}系数",
                min_value=0,
                max_digits=4,
                decimal_places=2,
                initial=current.get(grade.value),
            )


class ScoreItemForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="评分项目", max_length=40)
    max_points = forms.IntegerField(label="分值", min_value=1, max_value=SHEET_TOTAL)
    guidance = forms.CharField(label="评分要点", max_length=200, required=False)


class BaseScoreItemFormSet(forms.BaseFormSet[ScoreItemForm]):
    def clean(self) -> None:
        """The sheet's items must add up to exactly 100 points."""
        if any(self.errors):
            return
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        names = [data["name"] for data in kept]
        if len(set(names)) != len(names):
            raise ValidationError("评分项目名称不能重复。")
        total = sum(data["max_points"] for data in kept)
        if total != SHEET_TOTAL:
            raise ValidationError(f"评分项目分值合计须为{SHEET_TOTAL}分，现为{total}分。")

    def items(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


ScoreItemFormSet = cast(
    type[BaseScoreItemFormSet],
    forms.formset_factory(ScoreItemForm, formset=BaseScoreItemFormSet, extra=1, can_delete=True),
)


class PhotoField(MultipleMaterialFileField):
    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ".jpg,.jpeg,.png,image/jpeg,image/png"
        return attrs

    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        errors = []
        for file in files:
            try:
                validate_photo(file)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files


class PublicityActivityForm(UploadLimitsMixin, forms.Form):
    held_on = forms.DateField(label="活动日期", widget=DATE)
    place = forms.CharField(label="活动地点", max_length=100)
    form = forms.ChoiceField(label="宣传形式", choices=PublicityForm.choices)
    target_groups = forms.ModelMultipleChoiceField(
        label="宣传对象", queryset=SpecialGroup.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    people_reached = forms.IntegerField(label="受众人数", min_value=0)
    materials_handed_out = forms.IntegerField(label="发放资料（份）", min_value=0, initial=0)
    note = forms.CharField(label="活动情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotoField(label="活动照片（JPG、PNG）", required=False)

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise ValidationError("活动日期不能晚于今天。")
        return value
