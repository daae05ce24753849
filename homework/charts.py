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


def _marker_path(shape, points):
    """One path of every marker of a series: a single SVG element, however many weeks."""
    if shape == "square":
        return "".join(f"M{x - 3.5:g} {y - 3.5:g}h7v7h-7z" for x, y in points)
    if shape == "diamond":
        return "".join(f"M{x:g} {y - 4.5:g}l4.5 4.5-4.5 4.5-4.5-4.5z" for x, y in points)
    return "".join(f"M{x - 3.5:g} {y:g}a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0z" for x, y in points)


def scale_chart_svg(
    title, weeks, series, *, low=1, high=10, width=480, height=200, show_title=True
):
    """Return a safe SVG string of one scale prompt's answers over weeks.

    - `weeks`: the week numbers on the x axis, in order.
    - `series`: {label: {week_number: value}}; a missing week breaks the line there.
    - The y axis always runs `low`..`high`, so charts compare at a glance.
    - A legend is drawn when there is more than one series (a couple).
    - `show_title=False` leaves the title out of the picture (it stays the SVG's accessible
      name) for a page that prints it as its own heading: WeasyPrint lays out SVG text one
      letter at a time, a heading once per line.
    """
    legend_h = 22 if len(series) > 1 else 0
    left, right, top, bottom = 30, 12, 26 if show_title else 8, 24 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(weeks) - 1, 1)

    def x_of(index):
        return round(left + (index * step if len(weeks) > 1 else plot_w / 2), 1)

    def y_of(value):
        return round(top + plot_h - (value - low) / (high - low) * plot_h, 1)

    # Few elements, shared attributes inherited from the root: WeasyPrint lays out and
    # draws every SVG element on its own, so one path per series beats a marker per week.
    parts = []
    if show_title:
        parts.append(
            format_html(
                '<text x="{}" y="16" font-size="13" font-weight="bold">{}</text>', left, title
            )
        )
    parts += [
        format_html(
            '<path d="{}" fill="none" stroke="{}" stroke-width="1"/>',
            "".join(f"M{left} {y_of(v):g}H{left + plot_w}" for v in (low, (low + high) // 2, high)),
            GRID,
        ),
        mark_safe('<g text-anchor="end">'),
    ]
    parts.extend(
        format_html('<text x="{}" y="{}">{}</text>', left - 5, y_of(value) + 3.5, value)
        for value in (low, (low + high) // 2, high)
    )
    parts.append(mark_safe('</g><g text-anchor="middle">'))
    # Past 13 weeks the labels would overlap: label every k-th week and the last one.
    every = -(-len(weeks) // 13)
    for index, week in enumerate(weeks):
        last = index == len(weeks) - 1
        if index % every and not (last and index % every > every // 2):
            continue
        parts.append(
            format_html('<text x="{}" y="{}">W{}</text>', x_of(index), top + plot_h + 14, week)
        )
    parts.append(mark_safe("</g>"))

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
        lines = [run for run in runs if len(run) > 1]
        markers = [point for run in runs for point in run]
        if legend_h:
            lx, ly = left + number * 150, height - 8
            lines.append([(lx, ly - 4), (lx + 24, ly - 4)])
            markers.append((lx + 12, ly - 4))
        if lines:
            parts.append(
                format_html(
                    '<path d="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>',
                    "".join("M" + "L".join(f"{x:g} {y:g}" for x, y in points) for points in lines),
                    style["color"],
                    style["dash"] or "none",
                )
            )
        if markers:
            parts.append(
                format_html(
                    '<path d="{}" fill="{}"/>',
                    _marker_path(style["marker"], markers),
                    style["color"],
                )
            )
        if legend_h:
            parts.append(
                format_html('<text x="{}" y="{}" font-size="11">{}</text>', lx + 30, ly, label)
            )

    description = "; ".join(
        f"{label}: "
        + ", ".join(f"week {w} {values[w]}" for w in weeks if values.get(w) is not None)
        for label, values in series.items()
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-label="{title}" font-family="{font}" font-size="10" '
        'fill="{text}" class="scale-chart">'
        "<title>{title}</title><desc>{desc}</desc>{body}</svg>",
        w=width,
        h=height,
        title=title,
        font=FONT,
        text=TEXT,
        desc=description or "No answers yet",
        body=mark_safe("".join(parts)),  # noqa: S308 (every part built with format_html)
    )
