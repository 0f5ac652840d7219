from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from audit.admin import ReadOnlyAdmin
from quality.models import (
    SHEET_TOTAL,
    FollowUp,
    PeerReview,
    PublicityActivity,
    QualityCoefficient,
    SampledCase,
    SampleDraw,
    ScoreItem,
    ScoreSheet,
    Subsidy,
    SubsidyRate,
    SubsidyStage,
)


class ScoreItemInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A sheet's items must add up to exactly 100 points."""
        super().clean()
        if any(self.errors):
            return
        total = sum(
            form.cleaned_data.get("max_points") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total != SHEET_TOTAL:
            raise ValidationError(f"评分项目分值合计须为{SHEET_TOTAL}分，现为{total}分。")


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    formset = ScoreItemInlineFormSet
    extra = 0


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["name", "category"]
    inlines = [ScoreItemInline]


class SubsidyRateInline(admin.TabularInline):
    model = SubsidyRate
    extra = 0
    fields = ["amount", "effective_from", "effective_to"]


@admin.register(SubsidyStage)
class SubsidyStageAdmin(admin.ModelAdmin):
    list_display = ["category", "name", "is_default", "sort_order"]
    inlines = [SubsidyRateInline]


@admin.register(QualityCoefficient)
class QualityCoefficientAdmin(admin.ModelAdmin):
    list_display = ["grade", "coefficient"]


@admin.register(SampleDraw)
class SampleDrawAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "period_end", "ratio", "seed", "drawn_by", "drawn_at"]


@admin.register(SampledCase)
class SampledCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "status", "final_total", "final_grade", "settled_on"]
    list_select_related = ["case"]


@admin.register(PeerReview)
class PeerReviewAdmin(ReadOnlyAdmin):
    list_display = ["sample", "reviewer", "round", "total", "grade", "submitted_at"]
    list_select_related = ["sample__case", "reviewer"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["case", "contacted_on", "channel", "satisfaction"]
    list_select_related = ["case"]


@admin.register(Subsidy)
class SubsidyAdmin(ReadOnlyAdmin):
    list_display = ["case", "handler", "amount", "grade", "status", "paid_on"]
    list_select_related = ["case", "handler__user"]


@admin.register(PublicityActivity)
class PublicityActivityAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "office", "place", "form", "people_reached"]
    list_select_related = ["office"]
