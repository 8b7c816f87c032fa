"""Input conversion shared by the insight statistics: theme ids and UTC instants as arrays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from centricity.kit.time import as_utc

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
TimeArray = npt.NDArray[np.datetime64]
NO_THEME = -1  # an item in no theme; any negative id (or a null) means the same


def theme_array(theme_ids: object) -> IntArray:
    """Theme ids as int64, with nulls and negative ids read as "no theme" (-1).

    Items in no theme still count in the volume of all items, which the share-based tests
    and the trend shares divide by, so they are kept rather than dropped.
    """
    if isinstance(theme_ids, pl.Series):
        series = theme_ids
    else:
        series = pl.Series("theme_id", cast(Iterable[Any], theme_ids), strict=False)
    ids = series.cast(pl.Int64).fill_null(NO_THEME).to_numpy()
    return np.where(ids < 0, NO_THEME, ids).astype(np.int64)


def utc_instants(timestamps: object) -> TimeArray:
    """Timestamps as naive ``datetime64[us]`` holding UTC instants.

    Aware datetimes (any zone) are converted to UTC and naive ones are taken as UTC, as
    stored times are; so windows measured on the result are exact spans of elapsed time,
    the same whatever zone or daylight-saving rule the caller's datetimes carried.
    """
    if isinstance(timestamps, np.ndarray) and np.issubdtype(timestamps.dtype, np.datetime64):
        return timestamps.astype("datetime64[us]")
    if isinstance(timestamps, pl.Series) and isinstance(timestamps.dtype, pl.Datetime):
        if timestamps.dtype.time_zone is not None:
            timestamps = timestamps.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return timestamps.cast(pl.Datetime("us")).to_numpy()
    values = [utc_instant(value) for value in cast(Iterable[datetime], timestamps)]
    return np.array(values, dtype="datetime64[us]")


def utc_instant(value: datetime | np.datetime64) -> np.datetime64:
    """One instant as a naive UTC ``datetime64[us]`` (see `utc_instants`)."""
    if isinstance(value, np.datetime64):
        return cast(np.datetime64, value.astype("datetime64[us]"))
    return np.datetime64(as_utc(value).replace(tzinfo=None), "us")
