"""The overview's pictures as inline SVG, drawn here so the page needs no charting library.

Both are deterministic: positions come from sorted data, numbers are rounded to 0.1 px.
"""
from __future__ import annotations

import datetime as dt
import math
from html import escape

# One colour per event type and per relation (the core five share their type's colour).
TYPE_COLOURS = {
    "Strike": "#d62728", "Attack": "#ff7f0e", "Support": "#2ca02c", "Capture": "#9467bd",
    "Evacuation": "#1f77b4",
}
RELATION_COLOURS = {
    "strikes": "#d62728", "attacks": "#ff7f0e", "backs": "#2ca02c", "captures": "#9467bd",
    "evacuates": "#1f77b4", "allyOf": "#17becf", "controls": "#8c564b", "designatesTerrorist": "#7f7f7f",
    "leaderOf": "#bcbd22", "locatedIn": "#c7c7c7", "memberOf": "#e377c2", "repels": "#393b79",
}


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def timeline(counts: dict[str, dict[str, int]], types: tuple[str, ...], width: int = 900, height: int = 220) -> str:
    """Stacked bars of events per day (``counts``: YYYY-MM-DD → type → events). Over more than
    a year of days the bars are months, and the caption says so."""
    if not counts:
        return '<p class="empty">No dated events.</p>'
    days = sorted(counts)
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    by_month = (last - first).days > 366
    bins: dict[str, dict[str, int]] = {}
    if by_month:
        for day, per_type in counts.items():
            key = day[:7]
            for kind, n in per_type.items():
                bins.setdefault(key, {}).setdefault(kind, 0)
                bins[key][kind] += n
        keys = []
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        bins = counts
        keys = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    left, bottom, top = 40, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(sum(bins.get(k, {}).values()) for k in keys) or 1
    step = plot_w / len(keys)
    bar = max(step * 0.8, 1.0)
    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="Events per {"month" if by_month else "day"} by type">']
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" class="axis"/>')
    for tick in sorted({0, peak // 2, peak}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<text x="{left - 4}" y="{_n(y + 4)}" class="tick" text-anchor="end">{tick}</text>')
    label_every = max(1, math.ceil(len(keys) / 8))
    for index, key in enumerate(keys):
        x = left + index * step + (step - bar) / 2
        y = top + plot_h
        for kind in types:
            n = bins.get(key, {}).get(kind, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(h)}" fill="{TYPE_COLOURS.get(kind, "#999")}">'
                         f'<title>{escape(key)}: {n} {escape(kind)}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text x="{_n(left + index * step + step / 2)}" y="{height - 10}" class="tick" text-anchor="middle">{escape(key)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><i style="background:{TYPE_COLOURS.get(t, "#999")}"></i>{escape(t)}</span>' for t in types)
    caption = f'<p class="caption">Events per {"month (the dates span more than a year)" if by_month else "day"}, by type. {legend}</p>'
    return "".join(parts) + caption


def network(nodes: list[tuple[str, str, str]], edges: list[tuple[str, str, str, int]], size: int = 560) -> str:
    """Actors on a circle (``nodes``: (key, label, href), in drawing order) joined by curved
    arrows (``edges``: (source key, target key, relation, articles)); width grows with the
    number of articles, colour is the relation."""
    if not nodes:
        return '<p class="empty">No relations between actors.</p>'
    # Room for labels on either side: the picture is wider than the circle.
    width, margin = size + 400, 200
    centre, radius = size / 2, size / 2 - 40
    where: dict[str, tuple[float, float]] = {}
    for index, (key, _, _) in enumerate(nodes):
        angle = 2 * math.pi * index / len(nodes) - math.pi / 2
        where[key] = (margin + centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    most = max((e[3] for e in edges), default=1)
    labels = {key: label for key, label, _ in nodes}
    parts = [f'<svg class="network" viewBox="0 0 {width} {size}" width="{width}" height="{size}" role="img" aria-label="Network of actors">',
             '<defs>']
    for relation in sorted({e[2] for e in edges}):
        colour = RELATION_COLOURS.get(relation, "#999")
        parts.append(f'<marker id="arrow-{relation}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">'
                     f'<path d="M0,0L10,5L0,10z" fill="{colour}"/></marker>')
    parts.append("</defs>")
    for source, target, relation, articles in edges:
        (x1, y1), (x2, y2) = where[source], where[target]
        # Bend each arrow to its left, so A→B and B→A do not lie on each other.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        bend = 0.12 * length
        cx, cy = mx - dy / length * bend, my + dx / length * bend
        # Stop short of the node's circle.
        ex, ey = x2 - (x2 - cx) / (math.hypot(x2 - cx, y2 - cy) or 1) * 9, y2 - (y2 - cy) / (math.hypot(x2 - cx, y2 - cy) or 1) * 9
        stroke = 1 + 5 * math.sqrt(articles / most)
        colour = RELATION_COLOURS.get(relation, "#999")
        parts.append(f'<path d="M{_n(x1)},{_n(y1)} Q{_n(cx)},{_n(cy)} {_n(ex)},{_n(ey)}" stroke="{colour}" stroke-width="{_n(stroke)}" '
                     f'fill="none" opacity="0.75" marker-end="url(#arrow-{relation})" data-rel="{escape(relation)}">'
                     f'<title>{escape(labels[source])} {escape(relation)} {escape(labels[target])}: {articles} article{"s" if articles != 1 else ""}</title></path>')
    for key, label, href in nodes:
        x, y = where[key]
        anchor = "start" if x > margin + centre + 1 else "end" if x < margin + centre - 1 else "middle"
        lx = x + (12 if anchor == "start" else -12 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if y < centre else 20))
        parts.append(f'<a href="{escape(href)}"><circle cx="{_n(x)}" cy="{_n(y)}" r="7" class="node"/>'
                     f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" class="label">{escape(label)}</text></a>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><i style="background:{RELATION_COLOURS.get(r, "#999")}"></i>{escape(r)}</span>'
                     for r in sorted({e[2] for e in edges}))
    return "".join(parts) + f'<p class="caption">Arrows: relation (colour), number of articles (width). {legend}</p>'
