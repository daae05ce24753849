"""Scale answers over weeks as a small line chart, drawn on the server as plain SVG.

Used by the therapist's timeline in the admin and by the session-prep PDF, so both show
the same picture. No script, no style sheet, no outside reference: every text is escaped
and the SVG stands alone, so it is safe inline in a page and inside WeasyPrint.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Partners are told apart by colour *and* by dash pattern and marker shape (WCAG 1.4.1).
SERIES_STYLES = [
    {"color": "#1f5f5b", "dash": "", "marker": "circle"},
    {"color": "#a34400", "dash": "6 4", "marker": "square"},
    {"color": "#5b3f8c", "dash": "2 3", "marker": "diamond"},
]
TEXT = "#212529"
GRID = "#d0d5da"
FONT = "DejaVu Sans, Arial, sans-serif"


def _marker(shape, x, y, color):
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', x - 3.5, y - 3.5, color
        )
    if shape == "diamond":
        return format_html(
            '<path d="M{} {}l4.5 4.5-4.5 4.5-4.5-4.5z" fill="{}"/>', x, y - 4.5, color
        )
    return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', x, y, color)


def scale_chart_svg(title, weeks, series, *, low=1, high=10, width=480, height=200):
    """Return a safe SVG string of one scale prompt's answers over weeks.

    - `weeks`: the week numbers on the x axis, in order.
    - `series`: {label: {week_number: value}}; a missing week breaks the line there.
    - The y axis always runs `low`..`high`, so charts compare at a glance.
    - A legend is drawn when there is more than one series (a couple).
    """
    legend_h = 22 if len(series) > 1 else 0
    left, right, top, bottom = 30, 12, 26, 24 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(weeks) - 1, 1)

    def x_of(index):
        return round(left + (index * step if len(weeks) > 1 else plot_w / 2), 1)

    def y_of(value):
        return round(top + plot_h - (value - low) / (high - low) * plot_h, 1)

    parts = [
        format_html(
            '<text x="{}" y="16" font-size="13" font-weight="bold" fill="{}">{}</text>',
            left,
            TEXT,
            title,
        )
    ]
    for value in (low, (low + high) // 2, high):
        y = y_of(value)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="10" fill="{}" text-anchor="end">{}</text>',
                left,
                left + plot_w,
                y,
                y,
                GRID,
                left - 5,
                y + 3.5,
                TEXT,
                value,
            )
        )
    # Past 13 weeks the labels would overlap: label every k-th week and the last one.
    every = -(-len(weeks) // 13)
    for index, week in enumerate(weeks):
        last = index == len(weeks) - 1
        if index % every and not (last and index % every > every // 2):
            continue
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" fill="{}" text-anchor="middle">W{}</text>',
                x_of(index),
                top + plot_h + 14,
                TEXT,
                week,
            )
        )

    for number, (label, values) in enumerate(series.items()):
        style = SERIES_STYLES[number % len(SERIES_STYLES)]
        runs, run = [], []
        for index, week in enumerate(weeks):
            value = values.get(week)
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((x_of(index), y_of(value)))
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                        'stroke-dasharray="{}"/>',
                        " ".join(f"{x},{y}" for x, y in points),
                        style["color"],
                        style["dash"] or "none",
                    )
                )
            parts.extend(_marker(style["marker"], x, y, style["color"]) for x, y in points)
        if legend_h:
            lx, ly = left + number * 150, height - 8
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="{}"/>{}'
                    '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                    lx,
                    lx + 24,
                    ly - 4,
                    ly - 4,
                    style["color"],
                    style["dash"] or "none",
                    _marker(style["marker"], lx + 12, ly - 4, style["color"]),
                    lx + 30,
                    ly,
                    TEXT,
                    label,
                )
            )

    description = "; ".join(
        f"{label}: "
        + ", ".join(f"week {w} {values[w]}" for w in weeks if values.get(w) is not None)
        for label, values in series.items()
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-label="{title}" font-family="{font}" class="scale-chart">'
        "<title>{title}</title><desc>{desc}</desc>{body}</svg>",
        w=width,
        h=height,
        title=title,
        font=FONT,
        desc=description or "No answers yet",
        body=mark_safe("".join(parts)),  # noqa: S308 (every part built with format_html)
    )
