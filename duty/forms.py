"""Forms only validate; the services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone

from applications.identity import parse_id_number
from cases.models import Handler, HandlerKind
from duty.models import HalfDay, RateUnit, Stage, Workstation
from duty.services import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROWS = 5  # blank rows on a fresh day form; 添加一行 adds one more (a submit button: no inline script)
MAX_ROWS = 60


class HandlerChoiceField(forms.ModelChoiceField[Handler]):
    """The label says which handlers are lawyers (and of which firm)."""

    def label_from_instance(self, obj: Handler) -> str:
        firm = obj.law_firm.name if obj.kind == HandlerKind.LAWYER and obj.law_firm else obj.get_kind_display()
        return f"{obj.user.display_name}（{firm}）"


class ShiftForm(forms.Form):
    """安排值班: a lawyer of the office at one of its stations on a day."""

    on = forms.DateField(label="值班日期", widget=DATE)
    workstation = forms.ModelChoiceField(label="值班工作站", queryset=Workstation.objects.none(), empty_label="请选择")
    lawyer = HandlerChoiceField(label="值班律师", queryset=Handler.objects.none(), empty_label="请选择")
    half_day = forms.ChoiceField(label="时段", choices=HalfDay.choices, initial=HalfDay.FULL_DAY)

    def __init__(self, *args, office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["workstation"]).queryset = Workstation.objects.filter(
            office=office, is_active=True
        ).select_related("office", "kind")
        # Every active handler of the office is offered so that the service, not the list, refuses
        # an office employee with its reason; the label says which are lawyers.
        cast(forms.ModelChoiceField, self.fields["lawyer"]).queryset = Handler.objects.filter(
            office=office, is_active=True
        ).select_related("user", "law_firm")


class DayForm(forms.Form):
    """The head of a day's list: which day and at which workstation."""

    helped_on = forms.DateField(
        label="日期", widget=DATE, error_messages={"required": "请填写日期。", "invalid": "请输入正确的日期。"}
    )
    workstation = forms.ModelChoiceField(
        label="值班工作站",
        queryset=Workstation.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择值班工作站。", "invalid_choice": "请选择本机构的值班工作站。"},
    )

    def __init__(self, *args: Any, office_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["workstation"]).queryset = Workstation.objects.filter(
            office_id=office_id, is_active=True
        ).select_related("office", "kind")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
            )


class PersonForm(forms.Form):
    """One row of the day's list: a person given 法律帮助."""

    person_name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    stage = forms.ChoiceField(label="诉讼阶段", choices=[("", "请选择"), *Stage.choices])
    kinds = forms.TypedMultipleChoiceField(
        label="帮助内容",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项帮助内容。"},
    )
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, kind_choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The choices come from one query for the whole list (not one per row).
        cast(forms.ChoiceField, self.fields["kinds"]).choices = kind_choices
        self.fields["person_name"].error_messages["required"] = "请填写受帮助人姓名。"
        self.fields["stage"].error_messages["required"] = "请选择诉讼阶段。"
        for name in ("person_name", "id_number", "note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["stage"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["kinds"].widget.attrs["class"] = "form-check-input"
        for name, field in self.fields.items():
            if name != "kinds":
                field.widget.attrs["aria-label"] = f"第{self.prefix_index}行{field.label}"

    @property
    def prefix_index(self) -> int:
        return int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        return parse_id_number(raw, today=timezone.localdate()).value if raw.strip() else ""

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(
            person_name=data["person_name"],
            id_number=data["id_number"],
            stage=data["stage"],
            kinds=list(data["kinds"]),
            note=data["note"],
        )


class BasePeopleFormSet(forms.BaseFormSet[PersonForm]):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.filled_forms():
            raise ValidationError("请至少填写一名受帮助人。")

    def filled_forms(self) -> list[PersonForm]:
        """Rows with something typed in (blank rows are skipped, not refused)."""
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]


PeopleFormSet = cast(
    type[BasePeopleFormSet],
    formset_factory(
        PersonForm, formset=BasePeopleFormSet, extra=ROWS, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    ),
)


class PayForm(forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DATE)


class RateForm(forms.Form):
    unit = forms.ChoiceField(label="计发单位", choices=RateUnit.choices)
    amount = forms.DecimalField(label="补贴标准（元）", min_value=0, max_digits=12, decimal_places=2)
    effective_from = forms.DateField(label="生效日期", widget=DATE)


class RecordFilterForm(forms.Form):
    """The filters of the 法律帮助 list (GET)."""

    start = forms.DateField(label="日期自", required=False, widget=DATE)
    end = forms.DateField(label="日期至", required=False, widget=DATE)
    workstation = forms.TypedChoiceField(label="工作站", coerce=int, required=False, empty_value=None)
    stage = forms.ChoiceField(label="诉讼阶段", choices=[("", "全部"), *Stage.choices], required=False)
    q = forms.CharField(label="姓名", required=False, max_length=40)

    def __init__(self, *args, workstations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A plain list, read once (a model choice field would count and then read the rows).
        cast(forms.ChoiceField, self.fields["workstation"]).choices = [
            ("", "全部"),
            *((w.pk, w.name) for w in workstations),
        ]
