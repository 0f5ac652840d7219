from typing import Any, cast

from django import forms

from accounts.models import Office
from reporting.models import AidForm
from reporting.services import check_targets_add_up


class SubmissionForm(forms.Form):
    """The three free-text fields of the 附件's fifth column."""

    progress = forms.CharField(
        label="推进情况",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="本月推进“市域通办”、案件质量、宣传等工作的情况。系统统计的数据会自动写入，无需重复填写。",
        max_length=2000,
    )
    funding = forms.CharField(
        label="相关资金落实（使用）情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    problems = forms.CharField(
        label="影响项目推进的存在问题", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写“{field.label}”。"


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "请写明退回理由。"


class CityTargetForm(forms.Form):
    city_target = forms.IntegerField(
        label="全市年度目标（件）",
        min_value=1,
        max_value=100_000,
        error_messages={"required": "请填写全市年度目标。", "min_value": "全市年度目标必须大于0。"},
    )


class OfficeTargetForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.all(), widget=forms.HiddenInput)
    target = forms.IntegerField(
        label="年度目标（件）",
        min_value=0,
        max_value=100_000,
        error_messages={"required": "请填写该机构的年度目标。", "min_value": "目标不能为负数。"},
    )


class BaseOfficeTargetFormSet(forms.BaseFormSet[OfficeTargetForm]):
    """One form per office; their targets must add up to the city's (checked once the city target
    itself is valid)."""

    def __init__(self, *args: Any, city_target: int | None = None, **kwargs: Any) -> None:
        self.city_target = city_target
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        if any(self.errors) or self.city_target is None:
            return
        offices = [form.cleaned_data["office"] for form in self.forms]
        if len(set(offices)) != len(offices):
            raise forms.ValidationError("每个机构只能填写一个目标。")
        check_targets_add_up(
            city_target=self.city_target, office_total=sum(form.cleaned_data["target"] for form in self.forms)
        )


OfficeTargetFormSet = cast(
    type[BaseOfficeTargetFormSet],
    forms.formset_factory(
        OfficeTargetForm, formset=BaseOfficeTargetFormSet, extra=0, min_num=1, validate_min=True, max_num=20
    ),
)


class CountingRuleForm(forms.Form):
    """Whether a form of legal aid counts toward the target (计入民生实事事项), from which month."""

    form = forms.ModelChoiceField(label="法律援助形式", queryset=AidForm.objects.all(), empty_label="请选择")
    counts = forms.TypedChoiceField(
        label="是否计入民生实事事项",
        choices=[("1", "计入"), ("0", "不计入（在报表中另行列示）")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    starting = forms.DateField(
        label="适用起始月份",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="默认为本月：以往月份的数字不变。选择以往月份即追溯调整，须写明理由。",
    )
    reason = forms.CharField(label="理由", max_length=200, required=False)

    def __init__(self, *args, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starting"].initial = today.replace(day=1)
        for name, message in (
            ("form", "请选择法律援助形式。"),
            ("counts", "请选择是否计入。"),
            ("starting", "请选择适用起始月份。"),
        ):
            self.fields[name].error_messages["required"] = message
        self.fields["starting"].error_messages["invalid"] = "请按“年-月”选择月份。"
