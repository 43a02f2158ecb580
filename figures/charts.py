"""Geometry for server-rendered SVG charts: numbers in, coordinates out; the template draws them.

No inline styles and no script, so the charts work under a strict Content-Security-Policy, on paper
and in a PDF.
"""

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 16, 36
GRID_LINES = 4


def _nice_max(value):
    """A scale maximum of GRID_LINES round steps (1, 2 or 5 × 10^n each), so grid labels read well."""
    raw = max(value, 1) / GRID_LINES
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    step = next(s * magnitude for s in (1, 2, 5, 10) if s * magnitude >= raw)
    return step * GRID_LINES


def trend_chart(months):
    """Grouped bars per month: places occupied (at the month's end) and placements started."""
    scale = _nice_max(max([m.occupied for m in months] + [m.started for m in months] + [1]))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months), 1)
    bar_w = step * 0.36
    baseline = TOP + plot_h

    def y(value):
        return round(baseline - plot_h * value / scale, 1)

    groups = []
    for index, month in enumerate(months):
        x0 = LEFT + index * step + step * 0.12
        groups.append(
            {
                "month": month,
                "occupied": {
                    "x": round(x0, 1),
                    "y": y(month.occupied),
                    "h": round(baseline - y(month.occupied), 1),
                },
                "started": {
                    "x": round(x0 + bar_w + 2, 1),
                    "y": y(month.started),
                    "h": round(baseline - y(month.started), 1),
                },
                "label_x": round(LEFT + index * step + step / 2, 1),
            }
        )
    grid = [
        {"y": y(scale * i / GRID_LINES), "value": round(scale * i / GRID_LINES)}
        for i in range(GRID_LINES + 1)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": baseline,
        "label_y": HEIGHT - BOTTOM + 18,
        "bar_width": round(bar_w, 1),
        "groups": groups,
        "grid": grid,
        "grid_label_x": LEFT - 6,
    }


def forecast_chart(rows, capacity):
    """Bars of a property's expected occupancy (`figures.occupancy_forecast` rows) with a line at
    its capacity."""
    width, height, left, bottom, top = 640, 200, 32, 28, 12
    scale_max = max([capacity] + [r["occupied"] for r in rows]) or 1
    plot_h = height - bottom - top
    step = (width - left - 8) / len(rows)
    bars = []
    for i, row in enumerate(rows):
        bar_h = plot_h * row["occupied"] / scale_max
        bars.append(
            {
                "x": round(left + i * step + step * 0.15, 1),
                "y": round(top + plot_h - bar_h, 1),
                "width": round(step * 0.7, 1),
                "height": round(bar_h, 1),
                "label_x": round(left + i * step + step / 2, 1),
                "value_y": round(max(top + plot_h - bar_h - 4, 10), 1),
                "row": row,
            }
        )
    capacity_y = round(top + plot_h - plot_h * capacity / scale_max, 1)
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "capacity_y": capacity_y,
        "axis_y": top + plot_h,
        "label_y": height - 10,
        "left": left,
        "right": width - 8,
    }


FORECAST_SERIES = ("temporary_ending", "places_coming", "planned_persons", "reunification")


def forecast_months_chart(months):
    """Grouped bars per month of the 12-month forecast (`figures.forecast.ForecastMonth` rows): one
    bar each for temporary stays ending, places coming, planned placements and family reunification,
    in the order of FORECAST_SERIES (the template gives each its class and legend)."""
    values = [getattr(m, name) for m in months for name in FORECAST_SERIES]
    scale = _nice_max(max(values + [1]))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months), 1)
    bar_w = step * 0.8 / len(FORECAST_SERIES)
    baseline = TOP + plot_h

    def y(value):
        return round(baseline - plot_h * value / scale, 1)

    groups = []
    for index, month in enumerate(months):
        x0 = LEFT + index * step + step * 0.1
        bars = []
        for series, name in enumerate(FORECAST_SERIES):
            value = getattr(month, name)
            bars.append(
                {
                    "series": name,
                    "value": value,
                    "x": round(x0 + series * bar_w, 1),
                    "y": y(value),
                    "h": round(baseline - y(value), 1),
                }
            )
        groups.append({"month": month, "bars": bars, "label_x": round(LEFT + index * step + step / 2, 1)})
    grid = [
        {"y": y(scale * i / GRID_LINES), "value": round(scale * i / GRID_LINES)}
        for i in range(GRID_LINES + 1)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": baseline,
        "label_y": HEIGHT - BOTTOM + 18,
        "bar_width": round(bar_w - 1, 1),
        "groups": groups,
        "grid": grid,
        "grid_label_x": LEFT - 6,
    }
