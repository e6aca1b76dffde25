"""The data panel redrawn only when what it shows changes.

Stepping frame by frame through a step changes the network view and the
formula card on every press, but the parameters the data panel's surface
(or curve) is computed from change only when a step's update is shown or
training moves on; the ringed sample changes only between samples of a
batch. :class:`ShownPanels` remembers what the panel shows and passes on
only what differs, so a press of Right does not recompute a surface of
thousands of forward passes for nothing.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.network import Network
from bpsim.ui.panels.data_view import DataView

NOT_SHOWN = -2  # no highlight has been set yet (None is "no ring")


class Follower(Protocol):
    """Something else drawn from the shown network (the unit maps)."""

    def set_data(self, train: Dataset, test: Dataset | None) -> None: ...

    def update_network(self, net: Network) -> None: ...


class ShownPanels:
    """Feeds ``data_view`` the network and highlighted sample of each refresh."""

    def __init__(self, data_view: DataView) -> None:
        self.data_view = data_view
        self._params: list[np.ndarray] | None = None
        self._highlight: int | None = NOT_SHOWN
        self.surfaces = 0  # how often the network was passed on (the surface recomputed)
        self.followers: list[Follower] = []  # passed the same data and networks
        self.network: Network | None = None  # the last one passed on

    def set_data(self, train: Dataset, test: Dataset | None = None) -> None:
        """Show other data (:meth:`DataView.set_data`); the next network and
        highlight are shown whatever they are."""
        self.data_view.set_data(train, test)
        for follower in self.followers:
            follower.set_data(train, test)
        self._params = None
        self._highlight = NOT_SHOWN

    def show_network(self, net: Network) -> None:
        """The surface of ``net``, unless its parameters are those shown."""
        params = [*net.weights, *net.biases]
        if self._same(params):
            return
        self._params = [np.array(p, copy=True) for p in params]
        self.surfaces += 1
        self.network = net
        self.data_view.update_network(net)
        for follower in self.followers:
            follower.update_network(net)

    def _same(self, params: list[np.ndarray]) -> bool:
        shown = self._params
        return (
            shown is not None
            and len(shown) == len(params)
            and all(np.array_equal(a, b) for a, b in zip(shown, params, strict=True))
        )

    def show_highlight(self, index: int | None) -> None:
        """Ring training sample ``index`` (None: no ring), unless it is ringed."""
        if index != self._highlight:
            self._highlight = index
            self.data_view.set_highlight(index)
