"""Forms only validate; saving goes through `cases.services`."""

from __future__ import annotations

from django import forms

from accounts.models import Office
from applications.forms import UPLOAD_HELP
from applications.models import MatterCategory
from cases.models import (
    LICENSE_NUMBER_LENGTH,
    Case,
    CaseState,
    ClosureMethod,
    Handler,
    HandlerKind,
    LawFirm,
    ProgressKind,
    TerminationGround,
)
from cases.roster import handler_accounts_without_profile
from core.uploads import MultipleMaterialFileField


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


class SealForm(forms.Form):
    is_sealed = forms.BooleanField(
        label="涉罪未成年人记录封存",
        required=False,
        help_text="犯罪嫌疑人、被告人犯罪时不满十八周岁的，封存其犯罪记录（刑事诉讼法第二百八十六条）。",
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_sealed"].initial = case.is_sealed


class LawFirmForm(forms.Form):
    name = forms.CharField(label="名称", max_length=80)
    phone = forms.CharField(label="电话", max_length=40, required=False)


class HandlerForm(forms.Form):
    """A handler of `office`: a new one picks its sign-in account, an existing one keeps it."""

    user = forms.ModelChoiceField(
        label="登录账户",
        queryset=None,
        empty_label="请选择",
        help_text="本机构具有“承办人”角色、尚未登记的账户（账户由系统管理员开设）。",
    )
    kind = forms.ChoiceField(label="类别", choices=HandlerKind.choices, widget=forms.RadioSelect)
    license_number = forms.RegexField(
        label="执业证号",
        regex=rf"^[0-9]{{{LICENSE_NUMBER_LENGTH}}}$",
        required=False,
        max_length=LICENSE_NUMBER_LENGTH,
        error_messages={"invalid": "执业证号应为17位数字。"},
        help_text="律师填写，17位数字。",
    )
    licensed_since = forms.DateField(
        label="首次执业日期", required=False, widget=DateInput, help_text="律师填写，用于计算执业年限。"
    )
    law_firm = forms.ModelChoiceField(
        label="律师事务所", queryset=None, required=False, empty_label="请选择", help_text="律师填写。"
    )
    is_active = forms.BooleanField(label="可接受指派", required=False, initial=True)

    def __init__(self, *args, office: Office, handler: Handler | None = None, **kwargs) -> None:
        if handler is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": handler.kind,
                    "license_number": handler.license_number,
                    "licensed_since": handler.licensed_since,
                    "law_firm": handler.law_firm_id,
                    "is_active": handler.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["law_firm"].queryset = LawFirm.objects.filter(office=office)
        if handler is None:
            self.fields["user"].queryset = handler_accounts_without_profile(office)
            self.fields["user"].label_from_instance = lambda user: f"{user.display_name}（{user.username}）"
        else:
            del self.fields["user"]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, help_text="案件编号、申请编号或申请人姓名")
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *CaseState.choices])
