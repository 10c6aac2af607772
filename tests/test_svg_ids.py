"""A chart's SVG must not depend on the last bit of its layout (hashed ids renumbered), nor carry needless digits."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from kzmv.figures.style import FigureText, compact_svg_numbers, decorate, new_figure, stable_svg_ids, write_files


def _chart(folder: Path, shift: float) -> str:
    fig, ax = new_figure(height_in=3)
    ax.plot([0, 1, 2], [1, 3, 2], marker="o")
    ax.bar([0, 1], [1, 2], hatch="//")
    # a sub-pixel change of the axes' box: the picture is the same, matplotlib's clip-path hash is not
    fig.get_layout_engine().set(w_pad=0.04 + shift)
    decorate(fig, FigureText(title="t", subtitle="s", source="Source: test", alt="a"))
    svg, _ = write_files(fig, "toy", folder)
    return svg.read_text(encoding="utf-8")


def test_ids_are_numbered_in_order_and_every_reference_follows() -> None:
    text = (
        '<clipPath id="p11631f8260"/><path clip-path="url(#p11631f8260)"/>'
        '<path id="m0123456789"/><use xlink:href="#m0123456789"/><pattern id="h00ff00ff00"/>'
    )
    out = stable_svg_ids(text)
    assert out == (
        '<clipPath id="clip1"/><path clip-path="url(#clip1)"/>'
        '<path id="marker2"/><use xlink:href="#marker2"/><pattern id="hatch3"/>'
    )
    assert stable_svg_ids("<svg/>") == "<svg/>"


def test_a_last_bit_shift_of_the_layout_leaves_the_svg_unchanged(tmp_path: Path) -> None:
    a = _chart(tmp_path / "a", 0.0)
    b = _chart(tmp_path / "b", 1e-13)
    assert not re.search(r'id="[pmh][0-9a-f]{10}"', a), "no hashed id is left"
    assert re.search(r'clip-path="url\(#clip\d+\)"', a)
    assert a == b


def test_coordinates_keep_two_decimals_and_labels_every_digit() -> None:
    text = (
        '<path d="M 192.17024 -642.63976 L 0.0001 -0.004 z" style="stroke-width: 0.8; fill: #2166ac"/>'
        '<use xlink:href="#marker2" x="220.034913" y="238.073843"/><text x="1.23456">0.093 apart</text>'
        '<image xlink:href="data:image/png;base64,iVBORw0KGgo5.123456"/>'
    )
    assert compact_svg_numbers(text) == (
        '<path d="M 192.17 -642.64 L 0 0 z" style="stroke-width: 0.8; fill: #2166ac"/>'
        '<use xlink:href="#marker2" x="220.03" y="238.07"/><text x="1.23">0.093 apart</text>'
        '<image xlink:href="data:image/png;base64,iVBORw0KGgo5.123456"/>'
    )


def test_a_written_chart_is_compact_and_still_an_svg(tmp_path: Path) -> None:
    text = _chart(tmp_path, 0.0)
    assert text.startswith("<?xml") and text.rstrip().endswith("</svg>")
    inside_tags = "".join(re.findall(r"<[^<>]+>", text))
    assert not re.search(r"(?<![\w.#-])-?\d+\.\d{3,}", inside_tags), "no coordinate keeps more than two decimals"
