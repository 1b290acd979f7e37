"""The server-rendered charts: honest scales and readable labels."""

from dusun.indeks import charts


def test_status_chart_scale_and_segments(spec):
    counts = {2021: {"MAJU": 1, "BERKEMBANG": 5}, 2022: {"MAJU": 4, "MANDIRI": 2, "": 1}}
    chart = charts.status_chart(spec, counts, "Belum lengkap")
    assert [label for _y, label in chart.ticks] == [0, 2, 4, 6, 8]  # whole numbers at their true height
    plot_height = chart.plot_bottom - chart.plot_top
    unit = plot_height / 8
    for bar in chart.bars:
        assert abs(sum(s.height for s in bar.segments) - unit * bar.total) < 1e-9
        # Segments stack without gaps from the axis up, lowest status first.
        bottom = chart.plot_bottom
        for segment in bar.segments:
            assert abs(segment.y + segment.height - bottom) < 1e-9
            bottom = segment.y
    assert [s.label for s in chart.bars[1].segments] == ["Maju", "Mandiri", "Belum lengkap"]
    assert chart.legend[-1] == ("Belum lengkap", charts.INCOMPLETE_COLOUR)
    assert chart.table == [(2021, [0, 0, 5, 1, 0, 0], 6), (2022, [0, 0, 0, 4, 2, 1], 7)]


def test_text_colour_contrast():
    assert charts.text_colour("#4575b4") == "#ffffff"  # Mandiri: dark blue
    assert charts.text_colour("#fee090") == "#000000"  # Berkembang: pale yellow


def test_history_chart_places_values_on_a_fixed_0_to_1_scale(spec):
    chart = charts.history_chart(spec, [2021, 2022], {"IDM": {2021: 0.5, 2022: 1.0}}, "IDM", "IDM resmi")
    (line,) = chart.lines
    (x1, y1, _, _), (x2, y2, _, _) = line.points
    assert y2 == chart.plot_top and abs(y1 - (chart.plot_top + chart.plot_bottom) / 2) < 1e-9
    assert x1 == chart.left and x2 == chart.right_edge
    assert [name for _y, name, _b, _c in chart.guides] == ["Sangat Tertinggal", "Tertinggal", "Berkembang", "Maju"]
