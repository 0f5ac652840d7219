"""Forms only validate; saving goes through `cases.services`."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone

from accounts.models import Office, User
from applications.forms import UPLOAD_HELP
from applications.identity import parse_id_number
from applications.models import NOTIFYING_KINDS, KnownAuthority, Location, MatterCategory
from cases.models import (
    LICENSE_NUMBER_LENGTH,
    Case,
    CaseState,
    ClosureMethod,
    Handler,
    HandlerKind,
    LawFirm,
    NoticeGround,
    NoticeStage,
    ProgressKind,
    TerminationGround,
)
from cases.notices import NoticeData
from cases.roster import handler_accounts_without_profile
from core.uploads import MaterialFileField, MultipleMaterialFileField, UploadLimitsMixin


class DateInput(forms.DateInput):
    input_type = "date"


class HandlerChoiceField(forms.ModelChoiceField):
    """Each handler with what the assignment rules look at: licence, years of practice, and — for a
    minor's case — whether they know minors' cases (the service refuses the ineligible, saying why)."""

    minor: bool = False

    def label_from_instance(self, handler: Handler) -> str:
        if handler.is_lawyer:
            years = handler.years_of_practice(on=timezone.localdate())
            firm = handler.law_firm.name if handler.law_firm else ""
            label = f"{handler.user.display_name}（{firm}，执业{years}年，执业证号 {handler.license_number}）"
        else:
            label = f"{handler.user.display_name}（{handler.get_kind_display()}）"
        if self.minor and handler.familiar_with_minors:
            label += " ★熟悉未成年人案件"
        return label


class AssignForm(forms.Form):
    handler = HandlerChoiceField(label="承办人", queryset=Handler.objects.none(), empty_label="请选择")
    may_bring_life_or_death = forms.BooleanField(
        label="可能被判处无期徒刑、死刑（须指派三年以上执业经历的律师）", required=False
    )
    death_penalty_review = forms.BooleanField(label="死刑复核案件（须指派三年以上执业经历的律师）", required=False)
    reason = forms.CharField(label="变更理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        handler_field = cast(HandlerChoiceField, self.fields["handler"])
        handler_field.queryset = Handler.objects.assignable_for(case)
        # A minor's criminal record is sealed: the sealed flag is the office's word on whether the
        # person is a minor (刑事诉讼法 第二百八十六条); lawyers who know minors' cases are marked.
        handler_field.minor = case.is_sealed
        if case.is_sealed:
            self.fields["handler"].help_text = "受援人为未成年人：标★的律师熟悉未成年人身心特点，宜优先指派。"
        if case.lawyer_only:
            self.fields["handler"].help_text += "通知辩护（代理）案件须指派律师（法律援助法第三十六条）。"
        if case.category != MatterCategory.CRIMINAL or case.life_or_death_by_notice:
            del self.fields["may_bring_life_or_death"]  # not criminal, or the organ's notice already says so
            del self.fields["death_penalty_review"]
        else:
            self.fields["may_bring_life_or_death"].initial = case.may_bring_life_or_death
            self.fields["death_penalty_review"].initial = case.death_penalty_review
        if case.state == CaseState.IN_PROGRESS:
            self.fields["reason"].required = True
            self.fields["handler"].label = "新的承办人"
        else:
            del self.fields["reason"]


class ProvisionalAssignForm(forms.Form):
    """先行指派承办人 (第四十四条): the handler who acts before the decision, from the roster 指派 uses
    (`case` is the unsaved case 准予 would open)."""

    handler = HandlerChoiceField(label="承办人", queryset=Handler.objects.none(), empty_label="请选择")

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        handler_field = cast(HandlerChoiceField, self.fields["handler"])
        handler_field.queryset = Handler.objects.assignable_for(case)
        handler_field.minor = case.is_sealed


class NoticeForm(UploadLimitsMixin, forms.Form):
    """登记通知辩护: what the clerk reads off the 通知书 (SPEC §3.3)."""

    organ = forms.ModelChoiceField(
        label="通知机关",
        queryset=KnownAuthority.objects.none(),
        required=False,
        empty_label="请选择（云浮市外的机关请在下一栏填写）",
    )
    other_organ_name = forms.CharField(
        label="云浮市外的通知机关", max_length=100, required=False, help_text="例如：广州市中级人民法院。"
    )
    notice_number = forms.CharField(label="通知书编号", max_length=60, help_text="例如：罗法援通〔2026〕15号。")
    notice_date = forms.DateField(label="通知书日期", widget=DateInput)
    received_on = forms.DateField(label="收到通知日期", widget=DateInput)
    person_name = forms.CharField(label="受援人姓名", max_length=40)
    person_id_number = forms.CharField(
        label="身份证号（可不填）", max_length=20, required=False, help_text="犯罪嫌疑人、被告人可能没有身份证件。"
    )
    person_birth_date = forms.DateField(label="出生日期（无身份证号时填写，可不填）", widget=DateInput, required=False)
    charge = forms.CharField(label="涉嫌罪名", max_length=100)
    offence_date = forms.DateField(
        label="涉嫌犯罪时间（可不填）",
        widget=DateInput,
        required=False,
        help_text="犯罪嫌疑人、被告人犯罪时未满18周岁的，其犯罪记录应当封存。",
    )
    stage = forms.ChoiceField(label="诉讼阶段", choices=[("", "请选择"), *NoticeStage.choices])
    ground = forms.ModelChoiceField(
        label="通知情形", queryset=NoticeGround.objects.filter(is_active=True), empty_label="请选择"
    )
    scan = MaterialFileField(label="通知书扫描件", help_text=UPLOAD_HELP)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organ"]).queryset = KnownAuthority.objects.filter(
            kind__in=NOTIFYING_KINDS
        ).exclude(location=Location.OUTSIDE)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_person_id_number(self) -> str:
        raw = self.cleaned_data["person_id_number"]
        return parse_id_number(raw, today=timezone.localdate()).value if raw.strip() else ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("organ") is not None and data.get("other_organ_name", "").strip():
            self.add_error("other_organ_name", "已选择本市通知机关的，不必再填写市外机关。")
        return data

    def notice_data(self) -> NoticeData:
        data = {name: value for name, value in self.cleaned_data.items() if name != "scan"}
        return NoticeData(**data)


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


class ClosureForm(UploadLimitsMixin, forms.Form):
    method = forms.ChoiceField(label="结案方式", choices=[("", "请选择"), *ClosureMethod.choices])
    matter_ended_on = forms.DateField(label="案件办结日期", widget=DateInput)
    summary = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleMaterialFileField(label="结案材料", required=False, help_text=UPLOAD_HELP)  # type: ignore[assignment]  # the posted field is named files; Django keeps fields apart from BaseForm.files

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
        label="终止情形（法律援助法第四十八条第一款）",
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


class AccountChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.username}）"


class HandlerForm(forms.Form):
    """A handler of `office`: a new one picks its sign-in account, an existing one keeps it."""

    user = AccountChoiceField(
        label="登录账户",
        queryset=User.objects.none(),
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
    law_firm: forms.ModelChoiceField[LawFirm] = forms.ModelChoiceField(
        label="律师事务所",
        queryset=LawFirm.objects.none(),
        required=False,
        empty_label="请选择",
        help_text="律师填写。",
    )
    is_active = forms.BooleanField(label="可接受指派", required=False, initial=True)
    familiar_with_minors = forms.BooleanField(
        label="熟悉未成年人身心特点", required=False, help_text="未成年人案件指派时在名单中以★标示。"
    )

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
                    "familiar_with_minors": handler.familiar_with_minors,
                },
            )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["law_firm"]).queryset = LawFirm.objects.filter(office=office)
        if handler is None:
            cast(AccountChoiceField, self.fields["user"]).queryset = handler_accounts_without_profile(office)
        else:
            del self.fields["user"]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, help_text="案件编号、申请编号或申请人姓名")
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *CaseState.choices])
