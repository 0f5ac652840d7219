"""Server-rendered SVG for the dashboard: no JavaScript, no CDN, nothing inline but SVG attributes
(the CSP forbids inline scripts and styles). Coordinates are computed here; templates draw them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reporting.selectors import MonthlyReport, Period, pace

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class CumulativeChart:
    width: int
    height: int
    actual: str  # polyline points
    pace: str
    dots: list[Dot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _nice_step(top: float) -> int:
    for step in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return 20000


def cumulative_chart(report: MonthlyReport) -> CumulativeChart:
    """Cumulative approved matters by month-end (solid) against the straight path to the target."""
    year, target = report.period.year, report.total.target
    points = report.cumulative
    top = max([target, *[point.cumulative for point in points], 1]) * 1.05
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: float) -> float:
        return round(LEFT + plot_w * month / 12, 1)

    def y(value: float | Decimal) -> float:
        return round(TOP + plot_h * (1 - float(value) / top), 1)

    actual = [(x(0), y(0))] + [(x(point.month), y(point.cumulative)) for point in points]
    pace_line = [(x(0), y(0))] + [(x(month), y(pace(target, Period(year, month)))) for month in range(1, 13)]
    step = _nice_step(top)
    return CumulativeChart(
        width=WIDTH,
        height=HEIGHT,
        actual=" ".join(f"{px},{py}" for px, py in actual),
        pace=" ".join(f"{px},{py}" for px, py in pace_line),
        dots=[
            Dot(x(point.month), y(point.cumulative), f"{point.month}月底累计{point.cumulative}件") for point in points
        ],
        x_ticks=[Tick(x(month), HEIGHT - BOTTOM + 18, f"{month}月") for month in range(1, 13)],
        y_ticks=[Tick(LEFT - 6, y(value), str(value)) for value in range(0, int(top) + 1, step)],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )


@dataclass(frozen=True)
class ProgressBar:
    width: int
    done: float
    pace_x: float
    percent: Decimal | None


def progress_bar(done: int, target: int, pace_value: Decimal, *, width: int = 600) -> ProgressBar:
    def share(value: float) -> float:
        return round(width * min(float(value) / target, 1.0), 1) if target else 0.0

    return ProgressBar(width, share(done), share(float(pace_value)), None)
