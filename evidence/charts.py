"""The trend charts: a figure per week as bars, drawn as PDF vectors (reportlab.graphics), their words real text."""

from __future__ import annotations

from datetime import date

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

WIDTH, HEIGHT = 480, 180
# reportlab checks every attribute set on a chart's shapes against its type: a third of a year's pack; ours are set
# once, here, and the tests read the charts back.
rl_config.shapeChecking = 0
BLUE = colors.HexColor("#1f5a96")


def _step(value: int) -> int:
    """A round step for the value axis: about five lines, whole numbers."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value / step <= 6:
            return step
    return max(1, value // 5)


def weekly_bars(title: str, weeks: list[date], values: list[int], *, font: str, colour=BLUE) -> Drawing:
    """Bars per week with the week's Monday under every few bars, the count on each bar when they are few,
    and the title above; an empty period says so in the chart's place."""
    drawing = Drawing(WIDTH, HEIGHT)
    drawing.add(String(0, HEIGHT - 12, title, fontName=font, fontSize=10))
    if not weeks:
        drawing.add(String(0, HEIGHT / 2, "No school weeks in this period.", fontName=font, fontSize=9))
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 30, WIDTH - 50, HEIGHT - 56
    chart.data = [values]
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    top = max(values) if values else 0
    step = _step(max(top, 1))
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = max(step, -(-top // step) * step)
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.valueAxis.visibleGrid, chart.valueAxis.gridStrokeColor = True, colors.HexColor("#dddddd")
    every = max(1, -(-len(weeks) // 10))  # at most ten dates under the bars
    chart.categoryAxis.categoryNames = [f"{w.day} {w:%b}" if i % every == 0 else "" for i, w in enumerate(weeks)]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.boxAnchor = "n"
    if len(weeks) <= 16:  # the count on each bar, while they are wide enough to carry it
        chart.barLabelFormat = "{:,.0f}".format
        chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = font, 7, 6
    drawing.add(chart)
    drawing.add(String(36, 4, "week beginning", fontName=font, fontSize=7, fillColor=colors.HexColor("#555555")))
    return drawing
