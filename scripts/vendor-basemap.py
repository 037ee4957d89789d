"""Cut the map view's basemap from Natural Earth (via the npm package world-atlas@2.0.2).

At development time only: fetches `world-atlas` with `npm pack`, decodes its TopoJSON
`countries-50m.json` (Natural Earth 1:50m admin-0 countries, public domain), clips every
country's rings to the region's box and writes them, rounded to 0.01 degree, to
kg/viz/vendor/natural-earth/south-china-sea-50m.json. The map page inlines that file; nothing
is fetched when a page is written or opened.

    python scripts/vendor-basemap.py
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.0.2"
BOX = (92.0, -4.0, 134.0, 26.0)  # west, south, east, north (degrees, WGS84)
OUT = Path(__file__).resolve().parent.parent / "kg/viz/vendor/natural-earth"

Point = tuple[float, float]


def arcs_of(topo: dict) -> list[list[Point]]:
    """The arcs of a quantized TopoJSON topology, in degrees."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def ring(arcs: list[list[Point]], indices: list[int]) -> list[Point]:
    """A ring from its arc indices (a negative index is the reversed arc ~i)."""
    points: list[Point] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[Point]) -> list[Point]:
    """Sutherland-Hodgman: the ring clipped to BOX."""
    west, south, east, north = BOX
    edges = [
        (
            lambda p: p[0] >= west,
            lambda a, b: (west, a[1] + (b[1] - a[1]) * (west - a[0]) / (b[0] - a[0])),
        ),
        (
            lambda p: p[0] <= east,
            lambda a, b: (east, a[1] + (b[1] - a[1]) * (east - a[0]) / (b[0] - a[0])),
        ),
        (
            lambda p: p[1] >= south,
            lambda a, b: (a[0] + (b[0] - a[0]) * (south - a[1]) / (b[1] - a[1]), south),
        ),
        (
            lambda p: p[1] <= north,
            lambda a, b: (a[0] + (b[0] - a[0]) * (north - a[1]) / (b[1] - a[1]), north),
        ),
    ]
    for inside, cross in edges:
        if not points:
            break
        src, points = points, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    points.append(cross(prev, cur))
                points.append(cur)
            elif inside(prev):
                points.append(cross(prev, cur))
            prev = cur
    return points


def main() -> None:
    """Fetch world-atlas, cut the region, write the basemap and its provenance."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", "--loglevel=error", f"world-atlas@{VERSION}"],
            cwd=tmp, check=True, capture_output=True,
        )  # fmt: skip
        with tarfile.open(Path(tmp) / f"world-atlas-{VERSION}.tgz") as tar:
            topo = json.load(tar.extractfile("package/countries-50m.json"))  # type: ignore[arg-type]
            licence = tar.extractfile("package/LICENSE").read().decode()  # type: ignore[union-attr]
    arcs = arcs_of(topo)
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polygons = geom.get("arcs", [])
        if geom.get("type") == "Polygon":
            polygons = [polygons]
        rings = []
        for polygon in polygons:
            for indices in polygon:
                cut = clip(ring(arcs, indices))
                rounded = [(round(x, 2), round(y, 2)) for x, y in cut]
                rounded = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
                if len(rounded) >= 3:
                    rings.append([list(p) for p in rounded])
        if rings:
            countries.append({"name": geom.get("properties", {}).get("name", ""), "rings": rings})
    countries.sort(key=lambda c: c["name"])
    doc = {
        "box": list(BOX),
        "source": f"Natural Earth 1:50m admin-0 countries, world-atlas@{VERSION} countries-50m",
        "countries": countries,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n"
    (OUT / "south-china-sea-50m.json").write_text(text, encoding="utf-8")
    (OUT / "LICENSE.world-atlas.txt").write_text(licence, encoding="utf-8")
    print(f"wrote {len(countries)} countries, {len(text):,} bytes")


if __name__ == "__main__":
    main()
