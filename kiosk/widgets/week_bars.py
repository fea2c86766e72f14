"""Two numbers per week as text bars side by side (the leadership's reviews): each series in its own fill as well as
its own colour (█ and ▒), so they tell apart in monochrome; the screen's title names each fill."""

from __future__ import annotations

import math
from datetime import date

from textual_plotext import PlotextPlot

LABEL_WIDTH = 10  # columns a week's date ("28 Sep") needs under the chart, with room either side
FIRST_MARKER, SECOND_MARKER = "█", "▒"


def draw_weeks(chart: PlotextPlot, mondays: list[date], first: list[int], second: list[int],
               names: tuple[str, str], colours: tuple[tuple[int, int, int], tuple[int, int, int]]) -> None:
    """Bars for each week (labelled with its Monday, "2 Nov"): ``first`` in █, ``second`` in ▒."""
    plt = chart.plt
    plt.clear_figure()
    if mondays:
        labels = [f"{monday.day} {monday:%b}" for monday in mondays]
        plt.multiple_bar(labels, [first, second], labels=list(names), marker=[FIRST_MARKER, SECOND_MARKER],
                         color=list(colours))
        top = max(4, math.ceil(max(*first, *second) * 1.3))  # room for the legend; no negative axis when all are 0
        step = max(1, math.ceil(top / 4))
        plt.ylim(0, top)
        plt.yticks(list(range(0, top + 1, step)))  # whole numbers, not 1.33
        if chart.size.width < LABEL_WIDTH * len(mondays):
            # Too narrow for every week's date (80 columns): plotext would drop some, differently each run.
            # Every other week, ending with the last.
            every_other = list(range(len(mondays), 0, -2))[::-1]
            plt.xticks(every_other, [labels[i - 1] for i in every_other])
    chart.refresh()
