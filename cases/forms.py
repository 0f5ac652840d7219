"""Forms only validate; saving goes through `cases.services`."""

from __future__ import annotations

from django import forms

from applications.models import MatterCategory
from applications.uploads import MultipleMaterialFileField
from cases.models import Case, CaseState, ClosureMethod, Handler, ObjectionOutcome, ProgressKind, TerminationGround

UPLOAD_HELP = "PDF、JPG 或 PNG 文件，可多选，每个不超过 10 MB。"


class DateInput(forms.DateInput):
    input_type = "date"


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, handler: Handler) -> str:
        if handler.is_lawyer:
            return f"{handler.user.display_name}（{handler.law_firm.name}，执业证号 {handler.license_number}）"
        return f"{handler.user.display_name}（{handler.get_kind_display()}）"


class AssignForm(forms.Form):
    handler = HandlerChoiceField(label="承办人", queryset=Handler.objects.none(), empty_label="请选择")
    may_bring_life_or_death = forms.BooleanField(
        label="可能被判处无期徒刑、死刑（须指派三年以上执业经历的律师）", required=False
    )
    reason = forms.CharField(label="变更理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = Handler.objects.assignable_for(case)
        if case.application.category != MatterCategory.CRIMINAL:
            del self.fields["may_bring_life_or_death"]
        else:
            self.fields["may_bring_life_or_death"].initial = case.may_bring_life_or_death
        if case.state == CaseState.IN_PROGRESS:
            self.fields["reason"].required = True
            self.fields["handler"].label = "新的承办人"
        else:
            del self.fields["reason"]


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label="委托协议签订日期", widget=DateInput)


class ProgressForm(forms.Form):
    kind = forms.ChoiceField(label="办理事项", choices=[("", "请选择"), *ProgressKind.choices])
    happened_on = forms.DateField(label="日期", widget=DateInput)
    note = forms.CharField(label="情况记录", widget=forms.Textarea(attrs={"rows": 2}))


class MatterEndForm(forms.Form):
    matter_ended_on = forms.DateField(
        label="案件办结日期", widget=DateInput, help_text="结案材料须自此日起30日内提交。"
    )


class ClosureForm(forms.Form):
    method = forms.ChoiceField(label="结案方式", choices=[("", "请选择"), *ClosureMethod.choices])
    matter_ended_on = forms.DateField(label="案件办结日期", widget=DateInput)
    summary = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleMaterialFileField(label="结案材料", required=False, help_text=UPLOAD_HELP)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        if case.matter_ended_on:
            self.fields["matter_ended_on"].initial = case.matter_ended_on

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("files") and "files" not in self.errors and not self.case.closure_materials.exists():
            self.add_error("files", "请上传结案材料（判决书、调解书等）。")
        return data


class ReturnClosureForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class TerminateForm(forms.Form):
    ground = forms.ModelChoiceField(
        label="终止情形（法律援助法第四十八条）",
        queryset=TerminationGround.objects.filter(is_active=True),
        empty_label="请选择",
    )
    reason = forms.CharField(label="终止的事实和理由", widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label="收到异议日期", widget=DateInput)
    reasons = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="司法局审查结果",
        choices=[(o.value, o.label) for o in (ObjectionOutcome.UPHELD, ObjectionOutcome.CORRECTED)],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label="决定日期", widget=DateInput)
    note = forms.CharField(label="决定说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, help_text="案件编号、申请编号或申请人姓名")
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *CaseState.choices])
