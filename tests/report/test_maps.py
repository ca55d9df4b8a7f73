"""Issue 10, case 16: maps frame the main territory, with insets for distant parts, across the antimeridian."""

import numpy as np

from satsov.report.maps import map_frames
from satsov.world.grids import grid


def _in(frame, g, code):
    return (g.country[frame.cells] == code).sum()


def test_eu27_main_frame_keeps_cyprus_finland_and_romania_and_puts_guiana_in_an_inset():
    g = grid("EU27", 50)
    main, insets = map_frames(g)
    for code in ("CY", "FI", "RO", "PT", "GR"):
        assert _in(main, g, code) == (g.country == code).sum() or code == "PT", code
    assert main.lon_max > 34 and main.lon_min > -20            # Cyprus in, centred on Europe, not on Guiana
    guiana = [f for f in insets if f.name.startswith("FR") and f.lon_max < -40 and f.lat_min < 4 < f.lat_max]
    assert guiana and -56 < guiana[0].lon_min < -50


def test_us_main_frame_is_the_lower_48_with_alaska_and_hawaii_as_insets():
    g = grid("US", 50)
    main, insets = map_frames(g)
    assert -130 < main.lon_min and main.lon_max < -60 and main.lat_max < 52
    names = [f.name for f in insets]
    assert any("64°N" in n for n in names) and any("20°N" in n for n in names)
    assert len(main.cells) + sum(len(f.cells) for f in insets) == len(g)


def test_fiji_is_one_frame_across_the_antimeridian():
    g = grid("FJ", 50)
    main, insets = map_frames(g)
    assert insets == [] and main.lon_max - main.lon_min < 12
    x = main.lon(g.lon_deg)
    assert (x >= main.lon_min).all() and (x <= main.lon_max).all() and np.ptp(x) < 10
