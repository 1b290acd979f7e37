"""A minimal Mapbox Vector Tile (protobuf) decoder for the tests: layers, keys/values, features.

Written from the vector-tile 2.1 spec so the tests check the bytes PostGIS produces, not a library's
reading of them: Tile.layers = 3; Layer: name 1, features 2, keys 3, values 4, extent 5, version 15;
Feature: id 1, tags 2 (packed), type 3, geometry 4 (packed); Value: string 1, float 2, double 3,
int64 4, uint64 5, sint64 6, bool 7.
"""

import struct
from dataclasses import dataclass, field

GEOM_TYPES = {0: "Unknown", 1: "Point", 2: "LineString", 3: "Polygon"}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value) for each field of a message; value is int or bytes."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire} not expected in an MVT")
        yield number, wire, value


def _packed(data: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        out.append(value)
    return out


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(data: bytes):
    for number, _wire, value in _fields(data):
        if number == 1:
            return value.decode("utf-8")
        if number == 2:
            return struct.unpack("<f", value)[0]
        if number == 3:
            return struct.unpack("<d", value)[0]
        if number in (4, 5):
            return value
        if number == 6:
            return _zigzag(value)
        if number == 7:
            return bool(value)
    return None


@dataclass
class Feature:
    id: int | None
    type: str
    properties: dict
    geometry: list[int] = field(repr=False)

    def first_point(self) -> tuple[int, int]:
        """Tile coordinates of the first vertex (the first MoveTo)."""
        return _zigzag(self.geometry[1]), _zigzag(self.geometry[2])


@dataclass
class Layer:
    name: str
    extent: int
    version: int
    features: list[Feature]


def decode(tile: bytes) -> dict[str, Layer]:
    layers = {}
    for number, _wire, layer_bytes in _fields(tile):
        if number != 3:
            continue
        name, extent, version, keys, values, raw_features = "", 4096, 1, [], [], []
        for n, _w, v in _fields(layer_bytes):
            if n == 1:
                name = v.decode("utf-8")
            elif n == 2:
                raw_features.append(v)
            elif n == 3:
                keys.append(v.decode("utf-8"))
            elif n == 4:
                values.append(_value(v))
            elif n == 5:
                extent = v
            elif n == 15:
                version = v
        features = []
        for raw in raw_features:
            fid, tags, gtype, geometry = None, [], 0, []
            for n, _w, v in _fields(raw):
                if n == 1:
                    fid = v
                elif n == 2:
                    tags = _packed(v)
                elif n == 3:
                    gtype = v
                elif n == 4:
                    geometry = _packed(v)
            properties = {keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)}
            features.append(Feature(fid, GEOM_TYPES[gtype], properties, geometry))
        layers[name] = Layer(name, extent, version, features)
    return layers
