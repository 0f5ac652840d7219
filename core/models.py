"""The shared kernel's one table: gap-free counters (STYLE practice 7)."""

from django.db import models


class NumberSequence(models.Model):
    """A locked counter row: gap-free numbers per kind, scope and year (application numbers, case
    numbers). Allocated through `core.numbering`, never written directly."""

    kind = models.CharField(max_length=20)
    scope = models.CharField(max_length=20, blank=True, help_text="空 = 全市统一编号；否则为机构代码等。")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"
        constraints = [models.UniqueConstraint(fields=["kind", "scope", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.scope or '-'}/{self.year}: {self.last_value}"
