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


class RateCounter(models.Model):
    """Attempts of one client (an address or a user) at one guarded action in one fixed window.
    Counted through `core.ratelimit` in one SQL statement, never read then written."""

    scope = models.CharField(max_length=40)
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "频率计数"
        verbose_name_plural = "频率计数"
        constraints = [models.UniqueConstraint(fields=["scope", "client", "window_start"], name="rate_counter_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.client}@{self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
